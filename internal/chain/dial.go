package chain

import (
	"context"
	"fmt"
	"time"

	"github.com/nspcc-dev/neo-go/pkg/rpcclient"
)

// Dialer opens a new WebSocket RPC connection to a node, ready for use
// (Init already called). Listener and Sender call it again after the
// connection drops, because a closed rpcclient.WSClient cannot be reused.
type Dialer func(ctx context.Context) (*rpcclient.WSClient, error)

// DialWS returns a Dialer for a node's WebSocket endpoint, for example
// ws://127.0.0.1:30333/ws. Zero timeouts in opts become 5s to dial and 10s
// per request.
func DialWS(url string, opts rpcclient.WSOptions) Dialer {
	if opts.DialTimeout <= 0 {
		opts.DialTimeout = 5 * time.Second
	}
	if opts.RequestTimeout <= 0 {
		opts.RequestTimeout = 10 * time.Second
	}
	return func(ctx context.Context) (*rpcclient.WSClient, error) {
		cli, err := rpcclient.NewWS(ctx, url, opts)
		if err != nil {
			return nil, fmt.Errorf("dial %s: %w", url, err)
		}
		if err := cli.Init(); err != nil {
			cli.Close()
			return nil, fmt.Errorf("init client for %s: %w", url, err)
		}
		return cli, nil
	}
}
