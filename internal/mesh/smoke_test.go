package mesh_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/neo-service-layer/servicelayer/internal/mesh"
)

func TestCallEcho(t *testing.T) {
	m := newTestMesh(t)
	m.startServer(t, "accountpool", []mesh.Endpoint{mesh.Handle(echoRoute, echo)})
	c := m.client(t, "vrf")

	var out echoOut
	err := c.Call(context.Background(), "accountpool", echoRoute, echoIn{Text: "hi"}, &out)
	require.NoError(t, err)
	require.Equal(t, echoOut{Text: "hi", Caller: "vrf"}, out)
}
