package mesh

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/sha256"
	"encoding/asn1"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math/big"
	"strconv"
	"strings"
	"time"
)

// SignatureHeader carries the request signature of critical routes:
//
//	Mesh-Signature: v=1, t=1718000000123, n=<nonce>, sig=<signature>
//
// t is the signing time in Unix milliseconds, n a random 16-byte nonce and
// sig the 64-byte ECDSA P-256 signature r||s, both base64url without
// padding. The signature covers SHA-256 of the canonical message built by
// signedMessage, so it binds the caller, the callee, the method, the path,
// the time, the nonce, the SHA-256 body digest and the Idempotency-Key.
const SignatureHeader = "Mesh-Signature"

// Limits of the signature scheme.
const (
	// MaxSignatureSkew is the largest accepted difference between the
	// signing time and the server's clock, in either direction.
	MaxSignatureSkew = 30 * time.Second
	// maxSignatureHeaderBytes bounds the header the parser reads.
	maxSignatureHeaderBytes = 256
	nonceBytes              = 16
	signatureBytes          = 64
	signatureVersion        = "1"
)

var b64 = base64.RawURLEncoding.Strict()

// signature is a parsed Mesh-Signature header.
type signature struct {
	// signedAt is the signing time in Unix milliseconds.
	signedAt int64
	nonce    []byte
	sig      []byte
}

// format returns the header value.
func (s signature) format() string {
	return "v=" + signatureVersion +
		", t=" + strconv.FormatInt(s.signedAt, 10) +
		", n=" + b64.EncodeToString(s.nonce) +
		", sig=" + b64.EncodeToString(s.sig)
}

// parseSignature parses a Mesh-Signature value. Every parameter must appear
// exactly once, in any order, and unknown parameters are rejected. Values
// must have their exact sizes and canonical encodings: t has no leading
// zeros, and n and sig are base64url without padding.
func parseSignature(value string) (signature, error) {
	if len(value) > maxSignatureHeaderBytes {
		return signature{}, fmt.Errorf("header longer than %d bytes", maxSignatureHeaderBytes)
	}

	params := make(map[string]string, 4)
	for part := range strings.SplitSeq(value, ",") {
		// Errors name no part of the header, which ends up in logs.
		name, val, ok := strings.Cut(strings.Trim(part, " \t"), "=")
		if !ok || val == "" {
			return signature{}, errors.New("a parameter is not name=value")
		}
		if _, dup := params[name]; dup {
			return signature{}, errors.New("a parameter is repeated")
		}
		params[name] = val
	}

	return signatureFromParams(params)
}

func signatureFromParams(params map[string]string) (signature, error) {
	if len(params) != 4 {
		return signature{}, errors.New("want exactly the parameters v, t, n and sig")
	}
	if params["v"] != signatureVersion {
		return signature{}, errors.New("unsupported version")
	}

	t := params["t"]
	if len(t) == 0 || len(t) > 15 || strings.Trim(t, "0123456789") != "" || (t[0] == '0' && len(t) > 1) {
		return signature{}, errors.New("t is not a Unix time in milliseconds")
	}
	signedAt, err := strconv.ParseInt(t, 10, 64)
	if err != nil {
		return signature{}, fmt.Errorf("parse t: %w", err)
	}

	nonce, err := b64.DecodeString(params["n"])
	if err != nil || len(nonce) != nonceBytes {
		return signature{}, fmt.Errorf("n is not %d bytes of base64url", nonceBytes)
	}
	sig, err := b64.DecodeString(params["sig"])
	if err != nil || len(sig) != signatureBytes {
		return signature{}, fmt.Errorf("sig is not %d bytes of base64url", signatureBytes)
	}

	return signature{signedAt: signedAt, nonce: nonce, sig: sig}, nil
}

// signedFields are the request facts a signature binds.
type signedFields struct {
	caller, callee string
	method, path   string
	body           []byte
	idempotencyKey string
}

// signedMessage builds the bytes that are hashed and signed. No field can
// contain a newline (names, methods and keys are validated and paths come
// from the route table), so joining them with newlines is unambiguous.
func signedMessage(f signedFields, s signature) []byte {
	digest := sha256.Sum256(f.body)

	return []byte(strings.Join([]string{
		"mesh-signature/v1",
		f.caller,
		f.callee,
		f.method,
		f.path,
		strconv.FormatInt(s.signedAt, 10),
		b64.EncodeToString(s.nonce),
		hex.EncodeToString(digest[:]),
		f.idempotencyKey,
	}, "\n"))
}

// sign makes a signature over f at time now with the caller's certificate
// key, which must be an ECDSA P-256 crypto.Signer.
func sign(key crypto.Signer, f signedFields, now time.Time, random io.Reader) (signature, error) {
	pub, ok := key.Public().(*ecdsa.PublicKey)
	if !ok || pub.Curve != elliptic.P256() {
		return signature{}, errors.New("sign request: certificate key is not ECDSA P-256")
	}

	s := signature{signedAt: now.UnixMilli(), nonce: make([]byte, nonceBytes)}
	if _, err := io.ReadFull(random, s.nonce); err != nil {
		return signature{}, fmt.Errorf("read nonce: %w", err)
	}

	digest := sha256.Sum256(signedMessage(f, s))
	der, err := key.Sign(random, digest[:], crypto.SHA256)
	if err != nil {
		return signature{}, fmt.Errorf("sign request: %w", err)
	}

	var rs struct{ R, S *big.Int }
	if _, err := asn1.Unmarshal(der, &rs); err != nil {
		return signature{}, fmt.Errorf("decode ECDSA signature: %w", err)
	}
	if rs.R == nil || rs.S == nil || rs.R.Sign() <= 0 || rs.S.Sign() <= 0 ||
		rs.R.BitLen() > 256 || rs.S.BitLen() > 256 {
		return signature{}, errors.New("decode ECDSA signature: r or s out of range")
	}
	s.sig = make([]byte, signatureBytes)
	rs.R.FillBytes(s.sig[:32])
	rs.S.FillBytes(s.sig[32:])

	return s, nil
}

// verify reports whether s is a valid signature over f by pub.
func verify(pub crypto.PublicKey, f signedFields, s signature) bool {
	key, ok := pub.(*ecdsa.PublicKey)
	if !ok || key.Curve != elliptic.P256() || len(s.sig) != signatureBytes {
		return false
	}

	digest := sha256.Sum256(signedMessage(f, s))
	r := new(big.Int).SetBytes(s.sig[:32])
	sv := new(big.Int).SetBytes(s.sig[32:])

	return ecdsa.Verify(key, digest[:], r, sv)
}
