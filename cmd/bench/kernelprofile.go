package main

import (
	"encoding/json"
	"os"
	"strings"
)

// A category of profile time; see classify for the rules.
const (
	catTarballs = iota
	catWaitGo
	catKernelJS
	catModules
	catCDK
	catAppJS
	catGC
	catIdle
	catOther
	numCats
)

// catNames are the categories as printed, in the order above.
var catNames = [numCats]string{
	"the kernel loading the embedded tarballs",
	"the kernel waiting for the Go side",
	"the jsii kernel's own JavaScript",
	"loading modules (Node.js's module loader)",
	"aws-cdk-lib and constructs",
	"the TypeScript app's own code",
	"garbage collection",
	"idle (event loop waiting)",
	"other (V8 and Node.js native, profiler)",
}

// cpuProfile is what the inspector's Profiler.stop returns (a .cpuprofile).
type cpuProfile struct {
	Nodes []struct {
		ID        int `json:"id"`
		CallFrame struct {
			FunctionName string `json:"functionName"`
			URL          string `json:"url"`
		} `json:"callFrame"`
		Children []int `json:"children"`
	} `json:"nodes"`
	StartTime  float64 `json:"startTime"`
	EndTime    float64 `json:"endTime"`
	Samples    []int   `json:"samples"`
	TimeDeltas []int64 `json:"timeDeltas"`
}

// frame is one call frame of a profile's tree.
type frame struct {
	fn, url string
	parent  *frame
}

// profileShares reads a .cpuprofile and returns its time per category, in
// milliseconds. A sample lasts until the next one (the last until the
// profile's end).
func profileShares(file string) [numCats]float64 {
	data, err := os.ReadFile(file)
	check(err)
	var p cpuProfile
	check(json.Unmarshal(data, &p))
	frames := map[int]*frame{}
	for _, n := range p.Nodes {
		frames[n.ID] = &frame{fn: n.CallFrame.FunctionName, url: n.CallFrame.URL}
	}
	for _, n := range p.Nodes {
		for _, c := range n.Children {
			frames[c].parent = frames[n.ID]
		}
	}
	cats := map[*frame]int{}
	var shares [numCats]float64
	t := p.StartTime
	for i, id := range p.Samples {
		t += float64(p.TimeDeltas[i])
		next := p.EndTime
		if i+1 < len(p.Samples) {
			next = t + float64(p.TimeDeltas[i+1])
		}
		f := frames[id]
		c, ok := cats[f]
		if !ok {
			c = classify(f)
			cats[f] = c
		}
		shares[c] += (next - t) / 1000
	}
	return shares
}

// classify puts a sample (its leaf frame, with its callers) in a category.
// The rules, first match wins:
//  1. V8's own pseudo-frames: (garbage collector) is GC, (idle) is the
//     event loop waiting, (program) and (root) are other.
//  2. Any caller named digestFile or extractViaCache in the kernel
//     (lib/program.js) is the kernel loading the tarballs a Go app embeds
//     (a SHA-256 of each one, then its package cache), whatever the leaf.
//  3. A native leaf read/readSync with readLine among its callers is the
//     kernel blocked on its input: waiting for the Go side's next request
//     (the Go process's own work, the JSON, the pipes and the relay
//     through the runtime's first node process).
//  4. Otherwise, walking from the leaf up, native frames (no url) and
//     Node.js's own JavaScript (node:...) are charged to their caller,
//     except node:internal/modules/..., which is loading modules. The
//     first frame from a file decides: lib/program.js is the jsii kernel;
//     a file under node_modules or the jsii package cache
//     (~/.cache/aws/jsii/package-cache) is aws-cdk-lib and constructs;
//     the TypeScript app's dist/ is its own code. Anything else (the
//     preload, Node.js's bootstrap with no file caller) is other.
func classify(leaf *frame) int {
	switch leaf.fn {
	case "(garbage collector)":
		return catGC
	case "(idle)":
		return catIdle
	case "(program)", "(root)":
		return catOther
	}
	readLine := false
	for f := leaf; f != nil; f = f.parent {
		if isKernel(f.url) && (f.fn == "digestFile" || f.fn == "extractViaCache") {
			return catTarballs
		}
		readLine = readLine || isKernel(f.url) && f.fn == "readLine"
	}
	if leaf.url == "" && (leaf.fn == "read" || leaf.fn == "readSync") && readLine {
		return catWaitGo
	}
	for f := leaf; f != nil; f = f.parent {
		switch {
		case strings.HasPrefix(f.url, "node:internal/modules/"):
			return catModules
		case f.url == "" || strings.HasPrefix(f.url, "node:"):
			continue
		case isKernel(f.url):
			return catKernelJS
		case strings.Contains(f.url, "/node_modules/") || strings.Contains(f.url, "/jsii/package-cache/"):
			return catCDK
		case strings.Contains(f.url, "/"+twinRel+"/dist/"):
			return catAppJS
		default:
			return catOther
		}
	}
	return catOther
}

// isKernel is whether a frame's url is the jsii kernel's bundle.
func isKernel(url string) bool {
	return strings.HasSuffix(url, "/lib/program.js")
}
