package chain

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/nspcc-dev/neo-go/pkg/neorpc"
	"github.com/nspcc-dev/neo-go/pkg/neorpc/result"
	"github.com/nspcc-dev/neo-go/pkg/util"
	"github.com/nspcc-dev/neo-go/pkg/vm/stackitem"
)

// maxUnsavedBlocks bounds how many event-free blocks a back-fill passes
// before it saves the cursor, and so how many a crash makes it scan again.
const maxUnsavedBlocks = 1000

// blockReader is the part of the node's RPC API the listener reads blocks
// through; *rpcclient.WSClient implements it.
type blockReader interface {
	GetBlockCount() (uint32, error)
	GetBlockHash(index uint32) (util.Uint256, error)
	GetBlockNotifications(
		blockHash util.Uint256,
		filter *neorpc.NotificationFilter,
	) (*result.BlockNotifications, error)
}

// catchUp processes every block from the cursor up to the node's tip. A
// block with wanted events commits its handler calls with the cursor; runs
// of empty blocks move the cursor once at the end.
func (l *Listener) catchUp(ctx context.Context, src blockReader) error {
	if err := l.loadCursor(ctx); err != nil {
		return err
	}
	if !l.checked {
		if err := l.checkCursor(src); err != nil {
			return err
		}
		l.checked = true
	}

	count, err := src.GetBlockCount()
	if err != nil {
		return fmt.Errorf("get block count: %w", err)
	}

	// next is the first block not read yet; l.next trails it by the
	// event-free blocks read since the cursor was last saved.
	next := l.next
	var lastHash util.Uint256
	for ; next < count && ctx.Err() == nil; next++ {
		hash, events, err := l.readBlock(src, next)
		if err != nil {
			return err
		}
		lastHash = hash

		if len(events) == 0 && next+1-l.next < maxUnsavedBlocks {
			continue
		}
		if err := l.commit(ctx, next+1, hash, events); err != nil {
			return err
		}
	}

	if next == l.next {
		return nil
	}
	return l.commit(ctx, next, lastHash, nil)
}

func (l *Listener) loadCursor(ctx context.Context) error {
	if l.loaded {
		return nil
	}
	next, last, err := loadCursor(ctx, l.cfg.DB, l.cfg.Cursor, l.cfg.StartHeight, l.now())
	if err != nil {
		return err
	}
	l.next, l.lastHash, l.loaded = next, last, true
	l.cfg.Log.Info("cursor loaded", "next_height", next)
	return nil
}

// readBlock fetches block h's notifications from the followed contract
// and returns the block hash and the wanted events.
func (l *Listener) readBlock(src blockReader, h uint32) (util.Uint256, []Event, error) {
	hash, err := src.GetBlockHash(h)
	if err != nil {
		return util.Uint256{}, nil, fmt.Errorf("get hash of block %d: %w", h, err)
	}

	filter := &neorpc.NotificationFilter{Contract: &l.cfg.Contract}
	ntf, err := src.GetBlockNotifications(hash, filter)
	if err != nil {
		return util.Uint256{}, nil, fmt.Errorf("get notifications of block %d: %w", h, err)
	}
	return hash, l.blockEvents(h, hash, ntf), nil
}

// blockEvents picks the wanted events out of a block's notifications.
// Only the Application trigger is read, because a deployed contract cannot
// emit from OnPersist or PostPersist (only native contracts run there).
// The node leaves out notifications of faulted transactions.
func (l *Listener) blockEvents(h uint32, hash util.Uint256, ntf *result.BlockNotifications) []Event {
	var events []Event
	perTx := make(map[util.Uint256]int)
	for _, n := range ntf.Application {
		if !n.ScriptHash.Equals(l.cfg.Contract) {
			continue
		}
		index := perTx[n.Container]
		perTx[n.Container]++
		if !l.wanted(n.Name) {
			continue
		}

		ev := Event{
			BlockIndex: h,
			BlockHash:  hash,
			TxHash:     n.Container,
			Index:      index,
			Contract:   n.ScriptHash,
			Name:       n.Name,
		}
		if n.Item != nil {
			ev.Params = n.Item.Value().([]stackitem.Item)
		}
		events = append(events, ev)
	}
	return events
}

// commit moves the cursor to next and hands events to the handler in one
// database transaction. The cursor moves first, so a listener whose cursor
// was moved by another never runs the handler.
func (l *Listener) commit(ctx context.Context, next uint32, hash util.Uint256, events []Event) error {
	err := l.cfg.DB.InTx(ctx, func(tx *sql.Tx) error {
		if err := advanceCursor(ctx, tx, l.cfg.Cursor, l.next, next, hash, l.now()); err != nil {
			return err
		}
		for _, ev := range events {
			if err := l.cfg.Handle(ctx, tx, ev); err != nil {
				return fmt.Errorf("handle %s event %d of tx %s: %w", ev.Name, ev.Index, ev.TxHash.StringLE(), err)
			}
		}
		return nil
	})
	if errors.Is(err, errCursorMoved) {
		l.loaded = false
	}
	if err != nil {
		return err
	}

	l.next = next
	return nil
}

// checkCursor makes sure the node's chain still holds the block the cursor
// last processed. A node that is behind the cursor, or has another block at
// that height, lost blocks or runs another chain: events already claimed
// would vanish and new ones could reuse their request ids, so the listener
// stops with ErrChainRewound instead of going on.
func (l *Listener) checkCursor(src blockReader) error {
	if l.next == 0 || l.lastHash == "" {
		return nil
	}
	count, err := src.GetBlockCount()
	if err != nil {
		return fmt.Errorf("get block count: %w", err)
	}
	if count < l.next {
		return fmt.Errorf("cursor %q has processed blocks up to %d but the node has only %d: %w",
			l.cfg.Cursor, l.next-1, count, ErrChainRewound)
	}
	hash, err := src.GetBlockHash(l.next - 1)
	if err != nil {
		return fmt.Errorf("get hash of block %d: %w", l.next-1, err)
	}
	if hash.StringLE() != l.lastHash {
		return fmt.Errorf("cursor %q processed block %d with hash %s but the node has %s there: %w",
			l.cfg.Cursor, l.next-1, l.lastHash, hash.StringLE(), ErrChainRewound)
	}
	return nil
}
