package result

import "fmt"

// Code is the status of a fulfilled request, stored on chain next to the
// result. The values from Success to Error that Neo's native oracle also
// defines keep the native oracle's numbers.
type Code uint8

// Result codes. A code other than Success comes with a short UTF-8 reason as
// the result.
const (
	Success                 Code = 0x00
	ProtocolNotSupported    Code = 0x10
	ConsensusUnreachable    Code = 0x12
	NotFound                Code = 0x14
	Timeout                 Code = 0x16
	Forbidden               Code = 0x18
	ResponseTooLarge        Code = 0x1a
	InsufficientFunds       Code = 0x1c
	ContentTypeNotSupported Code = 0x1f
	PayloadInvalid          Code = 0x20
	FilterError             Code = 0x21
	SecretDenied            Code = 0x22
	Expired                 Code = 0x23
	Error                   Code = 0xff
)

var codeNames = map[Code]string{
	Success:                 "success",
	ProtocolNotSupported:    "protocol not supported",
	ConsensusUnreachable:    "consensus unreachable",
	NotFound:                "not found",
	Timeout:                 "timeout",
	Forbidden:               "forbidden",
	ResponseTooLarge:        "response too large",
	InsufficientFunds:       "insufficient funds",
	ContentTypeNotSupported: "content type not supported",
	PayloadInvalid:          "payload invalid",
	FilterError:             "filter error",
	SecretDenied:            "secret denied",
	Expired:                 "expired",
	Error:                   "error",
}

// String returns the code's lower-case name, or "code 0xNN" for a value
// without a name.
func (c Code) String() string {
	if name, ok := codeNames[c]; ok {
		return name
	}
	return fmt.Sprintf("code 0x%02x", uint8(c))
}

// Known reports whether c is one of the defined codes.
func (c Code) Known() bool {
	_, ok := codeNames[c]
	return ok
}
