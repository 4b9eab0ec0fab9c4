//go:build integration

package integration

import (
	"context"
	"os/exec"
	"strconv"
	"testing"
	"time"

	"github.com/nspcc-dev/neo-go/pkg/neorpc/result"
	"github.com/nspcc-dev/neo-go/pkg/rpcclient/invoker"
	"github.com/nspcc-dev/neo-go/pkg/util"
	"github.com/nspcc-dev/neo-go/pkg/vm/stackitem"
	"github.com/stretchr/testify/require"

	"github.com/neo-service-layer/servicelayer/internal/binding"
	"github.com/neo-service-layer/servicelayer/internal/verify"
)

// Field positions in the Gateway's getRequest array.
const (
	fieldResult    = 9
	fieldSignature = 10
)

// tamperingInvoker flips one byte of one getRequest field, as a dishonest
// RPC node could.
type tamperingInvoker struct {
	inner binding.Invoker
	field int
	index int
}

func (ti tamperingInvoker) Call(contract util.Uint160, op string, params ...any) (*result.Invoke, error) {
	res, err := ti.inner.Call(contract, op, params...)
	if err != nil || op != "getRequest" {
		return res, err
	}
	fields := res.Stack[0].Value().([]stackitem.Item)
	b, err := fields[ti.field].TryBytes()
	if err != nil {
		return nil, err
	}
	changed := append([]byte(nil), b...)
	changed[ti.index] ^= 0x01

	copied := append([]stackitem.Item(nil), fields...)
	copied[ti.field] = stackitem.NewByteArray(changed)
	out := *res
	out.Stack = []stackitem.Item{stackitem.NewArray(copied)}
	return &out, nil
}

func TestVerifyRejectsAnyChangedByte(t *testing.T) {
	stack := startStack(t, 100*time.Millisecond)
	rep, err := stack.Demo(context.Background())
	require.NoError(t, err)
	id := lotteryRequestID(t, rep)

	info := stack.Info()
	client := stack.Chain().Client()
	gatewayHash, err := util.Uint160DecodeStringLE(info.Gateway[2:])
	require.NoError(t, err)
	honest := invoker.New(client, nil)

	good, err := verify.Request(binding.NewGateway(honest, gatewayHash), client, info.Magic, id)
	require.NoError(t, err)
	require.True(t, good.OK)

	req, err := binding.NewGateway(honest, gatewayHash).Request(id)
	require.NoError(t, err)
	for _, field := range []struct {
		index int
		size  int
		name  string
	}{{fieldResult, len(req.Result), "result"}, {fieldSignature, len(req.Signature), "signature"}} {
		for i := range field.size {
			tampered := tamperingInvoker{inner: honest, field: field.index, index: i}
			rep, err := verify.Request(binding.NewGateway(tampered, gatewayHash), client, info.Magic, id)
			require.ErrorIs(t, err, verify.ErrMismatch, "%s byte %d changed but accepted", field.name, i)
			require.False(t, rep.OK)
		}
	}
}

func TestVerifyCommand(t *testing.T) {
	stack := startStack(t, 100*time.Millisecond)
	rep, err := stack.Demo(context.Background())
	require.NoError(t, err)
	id := strconv.FormatInt(lotteryRequestID(t, rep), 10)
	info := stack.Info()

	out, err := exec.Command(binary, "verify", "--rpc", info.RPCURL, "--gateway", info.Gateway, id).CombinedOutput()
	require.NoError(t, err, "verify output:\n%s", out)
	require.Contains(t, string(out), "ok   vrf proof")
	require.Contains(t, string(out), "verified")

	out, err = exec.Command(binary, "verify", "--rpc", info.RPCURL, "--gateway", info.Gateway, "999").CombinedOutput()
	require.Error(t, err, "verify of a missing request passed:\n%s", out)

	out, err = exec.Command(binary, "verify", "--rpc", info.RPCURL, "--gateway", info.Gateway, "abc").CombinedOutput()
	require.Error(t, err)
	require.Contains(t, string(out), `invalid request id "abc"`)
}
