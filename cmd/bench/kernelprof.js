// Preloaded (NODE_OPTIONS=--require) into every node process of one
// benchmark run by section 3b of cmd/bench (kernel.go). At exit it
// writes the process's own CPU time (process.cpuUsage) and, when
// BENCH_KPROF=1, a CPU profile of the process it targets to BENCH_KPROF_DIR:
// - in a Go CDK app, the jsii kernel (lib/program.js, the second node
//   process). The first one (bin/jsii-runtime.js) cannot be profiled: it
//   forwards every signal to the kernel, the profiler's SIGPROF too, which
//   kills the kernel. Only its CPU time is written.
// - in a TypeScript app (BENCH_KPROF_MAIN=1), its only node process.
'use strict';
const fs = require('fs');
const path = require('path');

const dir = process.env.BENCH_KPROF_DIR;
const script = process.argv[1] || '';
let role = '';
if (process.env.BENCH_KPROF_MAIN === '1') role = 'main';
else if (script.endsWith('program.js')) role = 'kernel';
else if (script.endsWith('jsii-runtime.js')) role = 'wrapper';

if (dir && role) {
  let profiler;
  if (role !== 'wrapper' && process.env.BENCH_KPROF === '1') {
    const inspector = require('inspector');
    profiler = new inspector.Session();
    profiler.connect();
    profiler.post('Profiler.enable');
    profiler.post('Profiler.setSamplingInterval', { interval: 200 });
    profiler.post('Profiler.start');
  }
  process.on('exit', () => {
    const base = path.join(dir, `${role}-${process.pid}`);
    fs.writeFileSync(base + '.cpu.json', JSON.stringify(process.cpuUsage()));
    if (profiler) {
      // The inspector answers synchronously: the profile is written before
      // the process ends.
      profiler.post('Profiler.stop', (err, res) => {
        if (!err) fs.writeFileSync(base + '.cpuprofile', JSON.stringify(res.profile));
      });
    }
  });
}
