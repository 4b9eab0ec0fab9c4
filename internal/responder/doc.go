// Package responder is the request pipeline every Gateway-backed service
// shares (VRF, Oracle, Compute): it follows the Gateway's RequestCreated
// events for one service, claims each request exactly once in the
// service's database, asks the service's Answerer for a result code and
// bytes, stores and signs that answer over the canonical result message,
// and sends Gateway.fulfill through the persisted chain sender.
//
// The stored answer is what every later attempt sends, so a rebuilt or
// re-sent fulfilment carries the same bytes even when the answer came from
// the network. The package does not decide what an answer is and does not
// hold chain accounts: a FulfilBuilder signs the transactions.
package responder
