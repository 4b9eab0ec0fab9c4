package devnet

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/nspcc-dev/neo-go/pkg/core"
	"github.com/nspcc-dev/neo-go/pkg/core/block"
	nio "github.com/nspcc-dev/neo-go/pkg/io"
)

const (
	blockLogFile = "blocks.log"
	// blockLogKeep is how many recent blocks the log keeps when it is
	// compacted. neo-go flushes blocks to its store about once a second, so
	// this covers that lag at any block time down to MinBlockTime with a
	// wide margin.
	blockLogKeep = 2000
	// maxBlockRecord bounds one record, to reject a corrupt length.
	maxBlockRecord = 64 << 20
)

// blockLog makes the chain survive SIGKILL. neo-go keeps the newest blocks
// in memory and writes them to its store about once a second, so a killed
// process would restart up to a second back, on a chain that then forks
// from what clients already saw. The log appends every block as it is
// added and Start replays the blocks the store lacks before consensus runs.
//
// Records are: uint32 little-endian length, uint32 CRC-32 (IEEE) of the
// block bytes, the block in Neo binary encoding. A torn last record, left by
// a kill during the write, is ignored.
//
// NOTE: records are written without fsync, which covers a killed process
// but not a power loss.
type blockLog struct {
	path  string
	file  *os.File
	count int // records in file
	log   *slog.Logger
	// stateRoot is the chain's StateRootInHeader setting, needed to decode.
	stateRoot bool
}

// openBlockLog replays the logged blocks that chain lacks, compacts the log
// to its newest blocks and opens it for appending.
func openBlockLog(dir string, chain *core.Blockchain, log *slog.Logger) (*blockLog, error) {
	path := filepath.Join(dir, blockLogFile)
	blocks, err := readBlockLog(path, chain.GetConfig().StateRootInHeader, log)
	if err != nil {
		return nil, err
	}

	replayed := 0
	for _, b := range blocks {
		if b.Index != chain.BlockHeight()+1 {
			continue
		}
		if err := chain.AddBlock(b); err != nil {
			return nil, fmt.Errorf("replay block %d from %s: %w", b.Index, path, err)
		}
		replayed++
	}
	if replayed > 0 {
		log.Info("blocks replayed from block log", "blocks", replayed, "height", chain.BlockHeight())
	}

	l := &blockLog{path: path, log: log, stateRoot: chain.GetConfig().StateRootInHeader}
	if err := l.rewrite(blocks); err != nil {
		return nil, err
	}
	return l, nil
}

func readBlockLog(path string, stateRootInHeader bool, log *slog.Logger) ([]*block.Block, error) {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("open block log: %w", err)
	}
	defer f.Close()

	var blocks []*block.Block
	r := bufio.NewReader(f)
	for {
		raw, err := readRecord(r)
		if errors.Is(err, io.EOF) {
			return blocks, nil
		}
		if err != nil {
			// A kill during a write leaves a torn last record; the blocks
			// before it are still good.
			log.Warn("block log ends with an unreadable record, later records ignored",
				"path", path, "records_read", len(blocks), "error", err)
			return blocks, nil
		}
		b := block.New(stateRootInHeader)
		br := nio.NewBinReaderFromBuf(raw)
		b.DecodeBinary(br)
		if br.Err != nil {
			log.Warn("block log holds an undecodable block, later records ignored",
				"path", path, "records_read", len(blocks), "error", br.Err)
			return blocks, nil
		}
		blocks = append(blocks, b)
	}
}

func readRecord(r *bufio.Reader) ([]byte, error) {
	var head [8]byte
	if _, err := io.ReadFull(r, head[:]); err != nil {
		return nil, err
	}
	size := binary.LittleEndian.Uint32(head[:4])
	if size == 0 || size > maxBlockRecord {
		return nil, fmt.Errorf("record length %d out of range", size)
	}
	raw := make([]byte, size)
	if _, err := io.ReadFull(r, raw); err != nil {
		return nil, err
	}
	if crc32.ChecksumIEEE(raw) != binary.LittleEndian.Uint32(head[4:]) {
		return nil, errors.New("record checksum mismatch")
	}
	return raw, nil
}

// rewrite replaces the log with the newest blockLogKeep of blocks and
// leaves it open for appending.
func (l *blockLog) rewrite(blocks []*block.Block) error {
	if len(blocks) > blockLogKeep {
		blocks = blocks[len(blocks)-blockLogKeep:]
	}
	tmp := l.path + ".tmp"
	f, err := os.OpenFile(tmp, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		return fmt.Errorf("create block log: %w", err)
	}
	for _, b := range blocks {
		if err := writeRecord(f, b); err != nil {
			f.Close()
			return fmt.Errorf("write block log: %w", err)
		}
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("write block log: %w", err)
	}
	if err := os.Rename(tmp, l.path); err != nil {
		return fmt.Errorf("replace block log: %w", err)
	}

	if l.file != nil {
		l.file.Close()
	}
	l.file, err = os.OpenFile(l.path, os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		return fmt.Errorf("open block log: %w", err)
	}
	l.count = len(blocks)
	return nil
}

func writeRecord(w io.Writer, b *block.Block) error {
	bw := nio.NewBufBinWriter()
	b.EncodeBinary(bw.BinWriter)
	if bw.Err != nil {
		return bw.Err
	}
	raw := bw.Bytes()

	rec := make([]byte, 8, 8+len(raw))
	binary.LittleEndian.PutUint32(rec[:4], uint32(len(raw)))
	binary.LittleEndian.PutUint32(rec[4:], crc32.ChecksumIEEE(raw))
	_, err := w.Write(append(rec, raw...))
	return err
}

// run appends each block from ch until ch is closed. When the log holds
// twice blockLogKeep records, it compacts the log to the newest ones.
func (l *blockLog) run(ch <-chan *block.Block, done chan<- struct{}) {
	defer close(done)
	for b := range ch {
		if err := writeRecord(l.file, b); err != nil {
			l.log.Error("append to block log", "block", b.Index, "error", err)
			continue
		}
		l.count++
		if l.count < 2*blockLogKeep {
			continue
		}
		if err := l.compact(); err != nil {
			l.log.Error("compact block log", "error", err)
		}
	}
}

func (l *blockLog) compact() error {
	blocks, err := readBlockLog(l.path, l.stateRoot, l.log)
	if err != nil {
		return err
	}
	return l.rewrite(blocks)
}

func (l *blockLog) close() error {
	if l.file == nil {
		return nil
	}
	return l.file.Close()
}
