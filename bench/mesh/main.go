// Command mesh measures what the mesh adds to one small call over loopback.
//
// It runs the same JSON call three ways in one process. The baseline is
// plain TLS 1.3: a net/http server and client with the same certificates
// and client authentication. The second way is the mesh, and the third is
// the mesh on a critical route, which adds the request signature. Each way
// keeps its connections
// alive and is warmed up first. The ways take turns in rounds, so that
// noise from other work on the machine spreads over all three. It prints
// one JSON line with the median latencies in microseconds.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"runtime/pprof"
	"slices"
	"time"
)

// result is the one line the command prints.
type result struct {
	PlainTLSP50us   float64 `json:"plain_tls_p50_us"`
	MeshP50us       float64 `json:"mesh_p50_us"`
	MeshSignedP50us float64 `json:"mesh_signed_p50_us"`
	Ratio           float64 `json:"ratio"`
	AddedP50us      float64 `json:"added_p50_us"`
}

// caller makes one call and reports its error.
type caller func(ctx context.Context) error

func main() {
	calls := flag.Int("calls", 3000, "measured calls per way")
	warmup := flag.Int("warmup", 500, "unmeasured calls per way before measuring")
	rounds := flag.Int("rounds", 5, "turns each way takes; calls are split evenly between them")
	cpuProfile := flag.String("cpuprofile", "", "write a CPU profile of the measured calls to this file")
	flag.Parse()

	log := slog.New(slog.NewTextHandler(os.Stderr, nil))
	if err := run(*calls, *warmup, *rounds, *cpuProfile, log); err != nil {
		log.Error("benchmark failed", "error", err)
		os.Exit(1)
	}
}

func run(calls, warmup, rounds int, cpuProfile string, log *slog.Logger) error {
	if calls < 1 || warmup < 0 || rounds < 1 || calls < rounds {
		return fmt.Errorf("invalid flags: want calls >= rounds >= 1 and warmup >= 0")
	}

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()

	env, err := newEnvironment(ctx)
	if err != nil {
		return err
	}
	defer env.close()

	ways := []caller{env.plain, env.mesh, env.meshSigned}
	for _, call := range ways {
		if err := repeat(ctx, call, warmup, nil); err != nil {
			return fmt.Errorf("warm up: %w", err)
		}
	}

	stopProfile, err := startProfile(cpuProfile)
	if err != nil {
		return err
	}
	samples := make([][]time.Duration, len(ways))
	for round := range rounds {
		n := calls / rounds
		if round < calls%rounds {
			n++
		}
		for i, call := range ways {
			if err := repeat(ctx, call, n, &samples[i]); err != nil {
				return fmt.Errorf("measure: %w", err)
			}
		}
	}
	stopProfile()

	plain, mesh, signed := median(samples[0]), median(samples[1]), median(samples[2])
	log.Info("measured", "calls", calls, "rounds", rounds,
		"plain_p99", percentile(samples[0], 0.99), "mesh_p99", percentile(samples[1], 0.99),
		"signed_p99", percentile(samples[2], 0.99))

	return json.NewEncoder(os.Stdout).Encode(result{
		PlainTLSP50us:   micros(plain),
		MeshP50us:       micros(mesh),
		MeshSignedP50us: micros(signed),
		Ratio:           round2(float64(mesh) / float64(plain)),
		AddedP50us:      micros(mesh - plain),
	})
}

// repeat makes n calls, appending each latency to samples when it is not
// nil.
func repeat(ctx context.Context, call caller, n int, samples *[]time.Duration) error {
	for range n {
		start := time.Now()
		if err := call(ctx); err != nil {
			return err
		}
		if samples != nil {
			*samples = append(*samples, time.Since(start))
		}
	}

	return nil
}

func startProfile(path string) (stop func(), err error) {
	if path == "" {
		return func() {}, nil
	}

	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("create profile: %w", err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		_ = f.Close()
		return nil, fmt.Errorf("start profile: %w", err)
	}

	return func() {
		pprof.StopCPUProfile()
		_ = f.Close()
	}, nil
}

func median(samples []time.Duration) time.Duration {
	return percentile(samples, 0.5)
}

// percentile returns the nearest-rank percentile p (0 < p <= 1).
func percentile(samples []time.Duration, p float64) time.Duration {
	sorted := slices.Clone(samples)
	slices.Sort(sorted)
	rank := int(p*float64(len(sorted))+0.5) - 1

	return sorted[min(max(rank, 0), len(sorted)-1)]
}

func micros(d time.Duration) float64 {
	return round2(float64(d) / float64(time.Microsecond))
}

func round2(x float64) float64 {
	return float64(int64(x*100+0.5)) / 100
}
