package twin

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// runtimeAPI is the Lambda Runtime API a custom runtime (the function's
// bootstrap) polls, as AWS documents it: GET invocation/next blocks until
// there is an event, then the runtime posts the invocation's response or
// error; init/error reports a failed start. It is served on 127.0.0.1:9001
// inside the function's namespace.
type runtimeAPI struct {
	next    chan *invocation
	mu      sync.Mutex
	pending map[string]*invocation
	initErr chan string
	srv     *http.Server
	arn     string
}

type invocation struct {
	id       string
	payload  []byte
	deadline time.Time
	done     chan invokeResult
}

type invokeResult struct {
	body   []byte
	errMsg string // the runtime's errorType and errorMessage, when it failed
}

const runtimeAPIAddr = "127.0.0.1:9001"

func (t *Twin) startRuntimeAPI(n ns, arn string) (*runtimeAPI, error) {
	api := &runtimeAPI{next: make(chan *invocation), pending: map[string]*invocation{}, initErr: make(chan string, 1), arn: arn}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /2018-06-01/runtime/invocation/next", api.nextHandler)
	mux.HandleFunc("POST /2018-06-01/runtime/invocation/{id}/response", api.resultHandler(false))
	mux.HandleFunc("POST /2018-06-01/runtime/invocation/{id}/error", api.resultHandler(true))
	mux.HandleFunc("POST /2018-06-01/runtime/init/error", func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		select {
		case api.initErr <- string(b):
		default:
		}
		w.WriteHeader(http.StatusAccepted)
	})
	l, err := n.listen("tcp", runtimeAPIAddr)
	if err != nil {
		return nil, err
	}
	api.srv = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go api.srv.Serve(l)
	t.closers = append(t.closers, api.srv)
	return api, nil
}

func (api *runtimeAPI) nextHandler(w http.ResponseWriter, r *http.Request) {
	select {
	case inv := <-api.next:
		h := w.Header()
		h.Set("Lambda-Runtime-Aws-Request-Id", inv.id)
		h.Set("Lambda-Runtime-Deadline-Ms", strconv.FormatInt(inv.deadline.UnixMilli(), 10))
		h.Set("Lambda-Runtime-Invoked-Function-Arn", api.arn)
		h.Set("Lambda-Runtime-Trace-Id", "Root=1-00000000-000000000000000000000000;Sampled=0")
		h.Set("Content-Type", "application/json")
		w.Write(inv.payload)
	case <-r.Context().Done():
	}
}

func (api *runtimeAPI) resultHandler(isErr bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id := r.PathValue("id")
		api.mu.Lock()
		inv := api.pending[id]
		delete(api.pending, id)
		api.mu.Unlock()
		if inv == nil {
			http.Error(w, `{"errorMessage":"unknown request id","errorType":"InvalidRequestID"}`, http.StatusBadRequest)
			return
		}
		b, _ := io.ReadAll(io.LimitReader(r.Body, 6<<20))
		res := invokeResult{body: b}
		if isErr {
			var e struct{ ErrorMessage, ErrorType string }
			if json.Unmarshal(b, &e) == nil && e.ErrorMessage != "" {
				res.errMsg = e.ErrorType + ": " + e.ErrorMessage
			} else {
				res.errMsg = string(b)
			}
		}
		inv.done <- res
		w.WriteHeader(http.StatusAccepted)
	}
}

// invoke hands one event to the runtime and waits for its answer, at most
// timeout (the function's own timeout, as Lambda enforces it).
func (api *runtimeAPI) invoke(ctx context.Context, id string, payload []byte, timeout time.Duration, exited <-chan struct{}, why func() string) invokeResult {
	inv := &invocation{id: id, payload: payload, deadline: time.Now().Add(timeout), done: make(chan invokeResult, 1)}
	api.mu.Lock()
	api.pending[id] = inv
	api.mu.Unlock()
	ctx, cancel := context.WithDeadline(ctx, inv.deadline)
	defer cancel()
	fail := func(msg string) invokeResult { return invokeResult{errMsg: msg} }
	select {
	case api.next <- inv:
	case msg := <-api.initErr:
		return fail("the runtime failed to start: " + msg)
	case <-exited:
		return fail("the function's process exited before taking the invocation: " + why())
	case <-ctx.Done():
		return fail(fmt.Sprintf("Task timed out after %s (the runtime never asked for the invocation)", timeout))
	}
	select {
	case res := <-inv.done:
		return res
	case <-exited:
		return fail("the function's process exited during the invocation: " + why())
	case <-ctx.Done():
		return fail(fmt.Sprintf("Task timed out after %.2f seconds", timeout.Seconds()))
	}
}
