package deploy_test

import (
	"bytes"
	"errors"
	"io"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"

	"github.com/neo-service-layer/servicelayer/internal/enclave"
)

// object is the part of a Kubernetes object the checks read.
type object struct {
	Kind     string `yaml:"kind"`
	Metadata struct {
		Name      string `yaml:"name"`
		Namespace string `yaml:"namespace"`
	} `yaml:"metadata"`
	Spec struct {
		Template struct {
			Metadata struct {
				Annotations map[string]string `yaml:"annotations"`
			} `yaml:"metadata"`
			Spec struct {
				Containers []struct {
					Args []string `yaml:"args"`
					Env  []struct {
						Name  string `yaml:"name"`
						Value string `yaml:"value"`
					} `yaml:"env"`
					ReadinessProbe map[string]any `yaml:"readinessProbe"`
					LivenessProbe  map[string]any `yaml:"livenessProbe"`
				} `yaml:"containers"`
			} `yaml:"spec"`
		} `yaml:"template"`
		Ports []struct {
			Port int `yaml:"port"`
		} `yaml:"ports"`
	} `yaml:"spec"`
}

func loadObjects(t *testing.T) []object {
	t.Helper()
	raw, err := os.ReadFile("kubernetes/servicelayer.yaml")
	require.NoError(t, err)
	dec := yaml.NewDecoder(bytes.NewReader(raw))
	var objs []object
	for {
		var o object
		err := dec.Decode(&o)
		if errors.Is(err, io.EOF) {
			return objs
		}
		require.NoError(t, err, "kubernetes/servicelayer.yaml is not valid YAML")
		objs = append(objs, o)
	}
}

// TestKubernetesDeploysEveryMarble checks that every marble type of the
// manifest has a Deployment that runs it as that marble, with probes and
// scrape annotations, in the servicelayer namespace.
func TestKubernetesDeploysEveryMarble(t *testing.T) {
	objs := loadObjects(t)
	deployments := map[string]object{}
	services := map[string]object{}
	for _, o := range objs {
		switch o.Kind {
		case "Deployment":
			deployments[o.Metadata.Name] = o
		case "Service":
			services[o.Metadata.Name] = o
		}
		if o.Kind != "Namespace" {
			require.Equal(t, "servicelayer", o.Metadata.Namespace, "%s %s", o.Kind, o.Metadata.Name)
		}
	}

	for _, svc := range enclave.Services() {
		d, ok := deployments[svc]
		require.True(t, ok, "no Deployment for %s", svc)
		require.Len(t, d.Spec.Template.Spec.Containers, 1)
		c := d.Spec.Template.Spec.Containers[0]
		require.Equal(t, []string{"serve", svc, "--marble"}, c.Args[:3])
		require.True(t, slices.ContainsFunc(c.Args, func(a string) bool {
			return strings.HasPrefix(a, "--discovery=%s.servicelayer.svc:")
		}), "%s finds peers by DNS", svc)
		env := map[string]string{}
		for _, e := range c.Env {
			env[e.Name] = e.Value
		}
		require.Equal(t, svc, env["EDG_MARBLE_TYPE"], "marble type of %s", svc)
		require.NotEmpty(t, env["EDG_MARBLE_COORDINATOR_ADDR"])
		require.NotNil(t, c.ReadinessProbe, "%s readiness probe", svc)
		require.NotNil(t, c.LivenessProbe, "%s liveness probe", svc)
		require.Equal(t, "true", d.Spec.Template.Metadata.Annotations["prometheus.io/scrape"])
	}
	// Services with mesh routes are reachable by the name discovery uses.
	for _, svc := range []string{"accountpool", "secrets"} {
		s, ok := services[svc]
		require.True(t, ok, "no Service for %s", svc)
		require.Equal(t, 8443, s.Spec.Ports[0].Port)
	}
}
