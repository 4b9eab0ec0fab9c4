package demo

// Report is the tour's outcome, printed as one JSON object.
type Report struct {
	OK          bool   `json:"ok"`
	StartupMS   int64  `json:"startup_ms"`
	BlockTimeMS int64  `json:"block_time_ms"`
	Steps       []Step `json:"steps"`
}

// Step is one scripted check. Block numbers and ids are set for steps
// that make a request.
type Step struct {
	Name         string `json:"name"`
	Service      string `json:"service"`
	OK           bool   `json:"ok"`
	RequestID    string `json:"request_id,omitempty"`
	RequestBlock uint32 `json:"request_block,omitempty"`
	FulfilBlock  uint32 `json:"fulfil_block,omitempty"`
	TookMS       int64  `json:"took_ms"`
	Tx           string `json:"tx,omitempty"`
	FulfilTx     string `json:"fulfil_tx,omitempty"`
	Code         string `json:"code,omitempty"`
	Detail       string `json:"detail,omitempty"`
	Error        string `json:"error,omitempty"`
}

func (r *Report) add(s Step) {
	r.Steps = append(r.Steps, s)
	r.OK = true
	for _, s := range r.Steps {
		if !s.OK {
			r.OK = false
		}
	}
}
