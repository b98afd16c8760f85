// Preloaded (`node --require`) into the worker and web server processes another command starts
// (npm start, the tests, the benchmark): when that command is gone without stopping them (killed
// with SIGKILL, or by the system for memory), the process is handed to another parent and would
// otherwise go on working runs and holding the port and database connections with no one to stop
// it. It notices within a second and stops itself as a SIGTERM would: a worker after its current
// jobs, the web server at once. The starting command names itself in EXIT_WITH_PARENT_PID.
"use strict";

const parent = Number(process.env.EXIT_WITH_PARENT_PID);
if (Number.isInteger(parent) && parent > 0) {
  // Not passed on: a process this one starts has a parent of its own to follow.
  delete process.env.EXIT_WITH_PARENT_PID;
  const timer = setInterval(() => {
    if (process.ppid === parent) return;
    clearInterval(timer);
    console.error(`[${process.pid}] The process that started this one (${parent}) is gone: stopping.`);
    process.kill(process.pid, "SIGTERM");
  }, 1000);
  timer.unref();
}
