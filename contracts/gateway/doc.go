// Package gateway is the Service Layer Gateway contract for Neo N3, compiled
// with the neo-go compiler (see gateway.yml for the manifest settings).
//
// A contract requests work from a service by calling request. The service's
// off-chain listener reads the RequestCreated event and sends the result with
// fulfill, which the Gateway accepts only with a witness and a valid
// signature of the key registered for that service. The Gateway then calls the requester's
// callback method as callbackMethod(id int, code int, result []byte). A
// callback that throws does not undo the fulfilment: the result is stored
// and anyone can re-deliver the same result later with redeliver. A request
// that nobody fulfils before its expiry height can be closed by anyone with
// expire, which stores code 0x23 (expired) and an empty result without
// calling the callback. Anyone may then deliver the expiry to the consumer
// with redeliver. Because expire makes no call, a callback that aborts or
// runs out of GAS cannot keep a request pending past its expiry height.
//
// The owner registers each service's signing key with registerServiceKey
// and publishes other per-service values with setServiceData, such as the
// VRF service's ECVRF public key under ("vrf", "vrf_public_key"). Both are
// kept as histories: a change is in force from the block after the one that
// contains it, and serviceKeyAt and serviceDataAt return what was in force
// at any height. So a result can still be checked after a key change,
// against the key and VRF public key in force when it was fulfilled.
//
// The contract takes no fees and holds no assets.
package gateway
