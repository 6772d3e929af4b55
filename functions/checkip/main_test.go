package main

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func TestCheckReturnsTheIP(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("203.0.113.7\n"))
	}))
	defer srv.Close()
	got, err := NewChecker(srv.URL).Check(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if got.PublicIP != "203.0.113.7" || got.Source != srv.URL {
		t.Fatalf("got %+v", got)
	}
}

func TestCheckRejectsBadAnswers(t *testing.T) {
	for name, h := range map[string]http.HandlerFunc{
		"not an IP": func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("<html>captive portal</html>")) },
		"HTTP 503":  func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(503) },
	} {
		srv := httptest.NewServer(h)
		_, err := NewChecker(srv.URL).Check(context.Background())
		srv.Close()
		if err == nil {
			t.Errorf("%s: want an error", name)
		}
	}
}

func TestCheckTimesOutWithinTheInvocationDeadline(t *testing.T) {
	block := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { <-block }))
	defer srv.Close()
	defer close(block)
	ctx, cancel := context.WithTimeout(context.Background(), 1500*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := NewChecker(srv.URL).Check(ctx)
	if err == nil || !strings.Contains(err.Error(), "no internet access") {
		t.Fatalf("want a no-internet error, got %v", err)
	}
	if d := time.Since(start); d > 1400*time.Millisecond {
		t.Fatalf("the check must give up before the invocation deadline, took %s", d)
	}
}
