// Package synthtrace marks the phases of a synth for the benchmark's
// breakdown (`make bench`). With VPCLAMBDA_SYNTH_TRACE=1 in the environment
// each Mark writes one line to standard error: "synth-trace LABEL
// UNIX-NANOSECONDS". Without it, Mark does nothing.
package synthtrace

import (
	"fmt"
	"os"
	"time"
)

// Env is the environment variable that turns the trace on.
const Env = "VPCLAMBDA_SYNTH_TRACE"

// Prefix starts every trace line.
const Prefix = "synth-trace "

var on = os.Getenv(Env) == "1"

// Mark records that the phase called label is reached now.
func Mark(label string) {
	if on {
		fmt.Fprintf(os.Stderr, "%s%s %d\n", Prefix, label, time.Now().UnixNano())
	}
}
