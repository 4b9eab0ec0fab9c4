package mesh

import (
	"log/slog"
	"sync"
	"time"
)

// rejectLogInterval is how long repeats of one rejection are summarised
// instead of logged one by one.
const rejectLogInterval = 10 * time.Second

// rejectLog logs rejected calls at Warn, at most once per interval for
// each (caller, route, code), and counts the repeats it held back. The
// set of keys is bounded because callers are verified identities and
// unknown paths share one route label.
type rejectLog struct {
	log *slog.Logger

	mu sync.Mutex // guards last
	// last maps caller, route and code to the latest logged rejection.
	last map[rejectKey]*rejectState
}

type rejectKey struct {
	caller, route string
	code          Code
}

type rejectState struct {
	loggedAt   time.Time
	suppressed int
}

func newRejectLog(log *slog.Logger) *rejectLog {
	return &rejectLog{log: log, last: make(map[rejectKey]*rejectState)}
}

// reject logs one rejected call unless the same rejection was logged less
// than rejectLogInterval ago. It never logs bodies or signature values.
func (l *rejectLog) reject(now time.Time, caller, route string, e *Error) {
	key := rejectKey{caller: caller, route: route, code: e.Code}

	l.mu.Lock()
	st, ok := l.last[key]
	if ok && now.Sub(st.loggedAt) < rejectLogInterval {
		st.suppressed++
		l.mu.Unlock()
		return
	}
	suppressed := 0
	if ok {
		suppressed = st.suppressed
	}
	l.last[key] = &rejectState{loggedAt: now}
	l.mu.Unlock()

	l.log.Warn("call rejected",
		"caller", caller,
		"route", route,
		"code", string(e.Code),
		"status", e.Status,
		"reason", e.Detail,
		"repeats_not_logged", suppressed,
	)
}
