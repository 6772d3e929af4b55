package twin

// Crash safety. Every run of a twin owns uniquely named resources: its id
// is NamePrefix, the owner process's PID and a random suffix
// ("vpctwin-4242-a1b2c3"), and every namespace (with it every veth pair,
// nftables table and route it holds), resolver folder (/etc/netns/ID-...)
// and temporary folder the run makes starts with that id. Before it makes
// anything, a run writes a record (RunDir/ID.json) naming its owner: PID
// and the process's start time, so a reused PID is not taken for the
// owner. Close removes everything, the record last.
//
// A run whose owner was killed (SIGKILL, a crash) leaves its resources
// behind; the next run to start finds its record, sees the owner gone, and
// removes what the dead run made: the processes still running in its
// namespaces, the namespaces, the folders, then the record. It says what it
// removed (Twin.Notes). Resources of live runs, and namespaces named like a
// twin's without a record (another version of the twin, maybe running),
// are never touched.

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// RunDir holds the records of the runs on this machine (tmpfs: gone after a
// reboot, like the namespaces).
const RunDir = "/run/vpctwin"

// runRecord is what a run writes before it creates anything.
type runRecord struct {
	ID      string    `json:"id"`
	PID     int       `json:"pid"`
	Start   uint64    `json:"startTime"` // the owner's start time (/proc/PID/stat), against PID reuse
	TempDir string    `json:"tempDir,omitempty"`
	Created time.Time `json:"created"`
}

// newRunID is a run's id: the prefix, this process's PID, a random suffix
// (several twins in one process, as the tests build them).
func newRunID(suffix string) string {
	return fmt.Sprintf("%s%d-%s", NamePrefix, os.Getpid(), suffix)
}

// RunPrefix is the prefix of every resource name of the runs a process
// owns: a test checks with it that its runs left nothing.
func RunPrefix(pid int) string { return fmt.Sprintf("%s%d-", NamePrefix, pid) }

// processStart is a process's start time in clock ticks since boot (field
// 22 of /proc/PID/stat), 0 when it does not exist.
func processStart(pid int) uint64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	// The command name (field 2) is in parentheses and may hold spaces.
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return 0
	}
	f := strings.Fields(s[i+1:])
	if len(f) < 20 {
		return 0
	}
	v, _ := strconv.ParseUint(f[19], 10, 64)
	return v
}

// alive reports whether the record's owner is still running.
func (r runRecord) alive() bool {
	st := processStart(r.PID)
	return st != 0 && st == r.Start
}

// writeRecord records the run before it creates anything.
func (t *Twin) writeRecord() error {
	if err := os.MkdirAll(RunDir, 0o755); err != nil {
		return fmt.Errorf("recording the twin's run in %s: %w", RunDir, err)
	}
	r := runRecord{ID: t.id, PID: os.Getpid(), Start: processStart(os.Getpid()), TempDir: t.dir, Created: time.Now().UTC()}
	b, _ := json.MarshalIndent(r, "", "  ")
	tmp := filepath.Join(RunDir, "."+t.id+".tmp")
	if err := os.WriteFile(tmp, b, 0o644); err != nil {
		return err
	}
	t.record = filepath.Join(RunDir, t.id+".json")
	return os.Rename(tmp, t.record)
}

// lockRuns serializes the cleaners of several runs starting at once.
func lockRuns() (func(), error) {
	if err := os.MkdirAll(RunDir, 0o755); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(filepath.Join(RunDir, ".lock"), os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		f.Close()
		return nil, err
	}
	return func() { syscall.Flock(int(f.Fd()), syscall.LOCK_UN); f.Close() }, nil
}

// CleanDeadRuns removes what the runs whose owner is gone left behind, and
// says what it removed, one line per dead run. It also names, without
// touching them, namespaces that look like a twin's but have no record.
func CleanDeadRuns() ([]string, error) {
	unlock, err := lockRuns()
	if err != nil {
		return nil, fmt.Errorf("the twin's run records (%s): %w", RunDir, err)
	}
	defer unlock()
	records, _ := filepath.Glob(filepath.Join(RunDir, NamePrefix+"*.json"))
	sort.Strings(records)
	var out []string
	recorded := map[string]bool{}
	for _, path := range records {
		var r runRecord
		b, err := os.ReadFile(path)
		if err != nil || json.Unmarshal(b, &r) != nil || r.ID == "" || !strings.HasPrefix(r.ID, NamePrefix) {
			continue // not a record of ours: leave it
		}
		recorded[r.ID] = true
		if r.alive() {
			continue
		}
		msg, err := removeRun(r)
		if err != nil {
			return out, fmt.Errorf("removing the leftovers of dead twin run %s: %w", r.ID, err)
		}
		os.Remove(path)
		out = append(out, msg)
	}
	var unknown []string
	for _, n := range namespaces() {
		if !recorded[runOf(n)] && isRunName(n) {
			unknown = append(unknown, n)
		}
	}
	if len(unknown) > 0 {
		sort.Strings(unknown)
		out = append(out, fmt.Sprintf("left alone: %d network namespace(s) named like a twin's but of no recorded run (another version of the twin, maybe still running): %s; when no twin runs, remove them with ip netns del", len(unknown), strings.Join(unknown, " ")))
	}
	return out, nil
}

// isRunName reports whether a namespace name has the form of one of this
// version's runs ("vpctwin-PID-SUFFIX-...").
func isRunName(n string) bool {
	f := strings.SplitN(strings.TrimPrefix(n, NamePrefix), "-", 3)
	if !strings.HasPrefix(n, NamePrefix) || len(f) < 3 {
		return false
	}
	_, err := strconv.Atoi(f[0])
	return err == nil
}

// runOf is the run id of one of its resource names.
func runOf(name string) string {
	f := strings.SplitN(strings.TrimPrefix(name, NamePrefix), "-", 3)
	if len(f) < 2 {
		return ""
	}
	return NamePrefix + f[0] + "-" + f[1]
}

// namespaces are the named network namespaces that start with NamePrefix.
func namespaces() []string {
	entries, _ := os.ReadDir(netnsDir)
	var out []string
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), NamePrefix) {
			out = append(out, e.Name())
		}
	}
	return out
}

// removeRun removes a dead run's resources: the processes in its
// namespaces (its bootstraps), the namespaces, its resolver folders and its
// temporary folder.
func removeRun(r runRecord) (string, error) {
	var nss []string
	for _, n := range namespaces() {
		if strings.HasPrefix(n, r.ID+"-") {
			nss = append(nss, n)
		}
	}
	killed := killInNamespaces(nss)
	var errs []error
	for _, n := range nss {
		if err := run("ip", "netns", "del", n); err != nil {
			if _, statErr := os.Stat(filepath.Join(netnsDir, n)); statErr == nil {
				errs = append(errs, err)
			}
		}
	}
	etc, _ := filepath.Glob(filepath.Join("/etc/netns", r.ID+"-*"))
	for _, d := range etc {
		errs = append(errs, os.RemoveAll(d))
	}
	files := len(etc)
	if r.TempDir != "" && strings.HasPrefix(filepath.Base(r.TempDir), r.ID+"-") {
		if _, err := os.Stat(r.TempDir); err == nil {
			files++
		}
		errs = append(errs, os.RemoveAll(r.TempDir))
	}
	msg := fmt.Sprintf("removed the leftovers of twin run %s (its process %d is gone): %d network namespace(s) (with their veth pairs and nftables tables), %d process(es) still running in them, %d folder(s)",
		r.ID, r.PID, len(nss), killed, files)
	return msg, errors.Join(errs...)
}

// killInNamespaces kills every process whose network namespace is one of
// nss (by the namespace's inode, not by a name a process could share) and
// returns how many it killed.
func killInNamespaces(nss []string) int {
	inodes := map[uint64]bool{}
	for _, n := range nss {
		var st syscall.Stat_t
		if syscall.Stat(filepath.Join(netnsDir, n), &st) == nil {
			inodes[st.Ino] = true
		}
	}
	if len(inodes) == 0 {
		return 0
	}
	killed := 0
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || pid == os.Getpid() {
			continue
		}
		var st syscall.Stat_t
		if syscall.Stat(fmt.Sprintf("/proc/%d/ns/net", pid), &st) != nil || !inodes[st.Ino] {
			continue
		}
		if syscall.Kill(pid, syscall.SIGKILL) == nil {
			killed++
		}
	}
	// Give the kernel a moment to reap them, so the namespaces go too.
	for i := 0; i < 50 && killed > 0; i++ {
		left := false
		for _, e := range entries {
			pid, err := strconv.Atoi(e.Name())
			if err != nil {
				continue
			}
			var st syscall.Stat_t
			if syscall.Stat(fmt.Sprintf("/proc/%d/ns/net", pid), &st) == nil && inodes[st.Ino] {
				left = true
			}
		}
		if !left {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	return killed
}

// LeftoversOf lists what the runs owned by process pid left on this
// machine: namespaces, resolver folders and run records (none once each of
// its twins is closed).
func LeftoversOf(pid int) []string {
	prefix := RunPrefix(pid)
	var out []string
	for _, n := range namespaces() {
		if strings.HasPrefix(n, prefix) {
			out = append(out, "namespace "+n)
		}
	}
	for _, pattern := range []string{filepath.Join("/etc/netns", prefix+"*"), filepath.Join(RunDir, prefix+"*.json"), filepath.Join(os.TempDir(), prefix+"*")} {
		m, _ := filepath.Glob(pattern)
		out = append(out, m...)
	}
	return out
}
