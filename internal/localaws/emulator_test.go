//go:build lifecycle

package localaws

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

func projectRoot(t *testing.T) string {
	t.Helper()
	dir, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

// childEmulators lists the emulator processes this test process started
// that are still alive (without Detach, the launcher is our child).
func childEmulators() []int {
	var pids []int
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		var pid int
		if _, err := fmt.Sscan(e.Name(), &pid); err != nil || !IsEmulator(pid) {
			continue
		}
		stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
		if err != nil {
			continue
		}
		// Fields after the parenthesized command name: state, ppid, ...
		s := string(stat)
		fields := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
		if len(fields) > 1 && fields[1] == fmt.Sprint(os.Getpid()) {
			pids = append(pids, pid)
		}
	}
	return pids
}

// noEmulatorLeft fails when an emulator this test started is still alive.
func noEmulatorLeft(t *testing.T) {
	t.Helper()
	if pids := childEmulators(); len(pids) > 0 {
		t.Errorf("emulator processes still running: %v", pids)
	}
}

func TestStartStop(t *testing.T) {
	log := filepath.Join(t.TempDir(), "emulator.log")
	emu, err := Start(context.Background(), Options{Root: projectRoot(t), LogPath: log})
	if err != nil {
		t.Fatal(err)
	}
	conn, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", emu.Port), time.Second)
	if err != nil {
		t.Fatalf("the emulator does not answer on its port %d: %v", emu.Port, err)
	}
	conn.Close()
	if !IsEmulator(emu.PID) {
		t.Fatalf("process %d is not the emulator", emu.PID)
	}
	if pids := childEmulators(); len(pids) != 1 || pids[0] != emu.PID {
		t.Fatalf("running emulators started by this test = %v, want [%d]", pids, emu.PID)
	}
	if err := emu.Stop(); err != nil {
		t.Fatal(err)
	}
	if Alive(emu.PID) {
		t.Fatalf("emulator %d still alive after Stop", emu.PID)
	}
	noEmulatorLeft(t)
	if _, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", emu.Port), time.Second); err == nil {
		t.Fatalf("port %d still answers after Stop", emu.Port)
	}
}

func TestPortTaken(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	port := l.Addr().(*net.TCPAddr).Port
	log := filepath.Join(t.TempDir(), "emulator.log")
	_, err = Start(context.Background(), Options{Root: projectRoot(t), Port: port, LogPath: log})
	if err == nil {
		t.Fatalf("the emulator started on port %d, which is taken", port)
	}
	for _, want := range []string{fmt.Sprintf("cannot listen on 127.0.0.1:%d", port), "choose another port"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error does not say %q: %v", want, err)
		}
	}
	noEmulatorLeft(t)
}

func TestWrongMotoVersion(t *testing.T) {
	fake := t.TempDir()
	if err := os.MkdirAll(filepath.Join(fake, "moto"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(fake, "moto", "__init__.py"), []byte("__version__ = \"4.2.14\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	log := filepath.Join(t.TempDir(), "emulator.log")
	_, err := Start(context.Background(), Options{Root: projectRoot(t), LogPath: log, Env: []string{"PYTHONPATH=" + fake}})
	if err == nil {
		t.Fatal("the emulator started with moto 4.2.14")
	}
	for _, want := range []string{"moto 4.2.14 is installed", "written for moto 5.2.1", "exit status 3"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error does not say %q: %v", want, err)
		}
	}
	noEmulatorLeft(t)
}

// TestOrphanStops: an emulator whose parent dies (e.g. a test binary killed
// by its timeout) stops by itself.
func TestOrphanStops(t *testing.T) {
	dir := t.TempDir()
	ready := filepath.Join(dir, "ready")
	launcher := filepath.Join(projectRoot(t), "test", "emulator", "launch.py")
	// The shell is the parent; it waits for the emulator to listen (up to
	// 60 s: importing moto takes ~3 s on an idle 2-core machine, far more
	// under load), then exits.
	script := fmt.Sprintf(`python3 %s --port 0 --ready-file %s --parent-pid $$ >%s/log 2>&1 &
for i in $(seq 600); do [ -f %s ] && exit 0; sleep 0.1; done; exit 1`, launcher, ready, dir, ready)
	if out, err := exec.Command("sh", "-c", script).CombinedOutput(); err != nil {
		t.Fatalf("the emulator did not start: %v %s", err, out)
	}
	data, err := os.ReadFile(ready)
	if err != nil {
		t.Fatal(err)
	}
	var port, pid int
	fmt.Sscan(string(data), &port, &pid)
	deadline := time.Now().Add(20 * time.Second) // the launcher polls its parent twice a second; slack for a loaded machine
	for Alive(pid) && time.Now().Before(deadline) {
		time.Sleep(100 * time.Millisecond)
	}
	if Alive(pid) {
		syscall.Kill(pid, syscall.SIGKILL)
		t.Fatalf("the emulator (pid %d) kept running after its parent exited", pid)
	}
}

func TestMissingCLI(t *testing.T) {
	err := CheckCLI(t.TempDir())
	if err == nil || !strings.Contains(err.Error(), "npm ci") {
		t.Fatalf("CheckCLI without node_modules = %v, want an error telling to run npm ci", err)
	}
}
