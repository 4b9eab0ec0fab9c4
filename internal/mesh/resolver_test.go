package mesh_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/neo-service-layer/servicelayer/internal/mesh"
)

func TestStaticResolver(t *testing.T) {
	ctx := context.Background()
	r, err := mesh.NewStaticResolver(map[string]string{"vrf": "127.0.0.1:9001"})
	require.NoError(t, err)

	got, err := r.Resolve(ctx, "vrf")
	require.NoError(t, err)
	require.Equal(t, "127.0.0.1:9001", got)

	_, err = r.Resolve(ctx, "oracle")
	require.ErrorIs(t, err, mesh.ErrUnknownService)

	require.NoError(t, r.Set("vrf", "[::1]:9002"))
	got, err = r.Resolve(ctx, "vrf")
	require.NoError(t, err)
	require.Equal(t, "[::1]:9002", got)
	require.Equal(t, map[string]string{"vrf": "[::1]:9002"}, r.Addrs())
}

func TestStaticResolverRejectsBadEntries(t *testing.T) {
	_, err := mesh.NewStaticResolver(map[string]string{"vrf": "no-port"})
	require.ErrorContains(t, err, "address of vrf")

	_, err = mesh.NewStaticResolver(map[string]string{"Bad Name": "127.0.0.1:1"})
	require.ErrorContains(t, err, "invalid service name")
}

func TestTemplateResolver(t *testing.T) {
	r, err := mesh.NewTemplateResolver("%s.servicelayer.svc:8443")
	require.NoError(t, err)

	got, err := r.Resolve(context.Background(), "accountpool")
	require.NoError(t, err)
	require.Equal(t, "accountpool.servicelayer.svc:8443", got)

	_, err = r.Resolve(context.Background(), "../etc")
	require.ErrorIs(t, err, mesh.ErrUnknownService)
}

func TestTemplateResolverRejectsBadTemplate(t *testing.T) {
	templates := []string{"", "servicelayer.svc:8443", "%s.%s:8443", "%d.svc:8443", "%s.svc", "%s.svc:8443%%"}
	for _, template := range templates {
		_, err := mesh.NewTemplateResolver(template)
		require.Error(t, err, "template %q", template)
	}
}

func TestZeroTemplateResolverFails(t *testing.T) {
	_, err := mesh.TemplateResolver{}.Resolve(context.Background(), "vrf")
	require.Error(t, err)
}
