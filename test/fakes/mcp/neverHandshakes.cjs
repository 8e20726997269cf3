// An MCP stdio server that never answers the handshake, ignores the end of its stdin and SIGTERM, and has started a
// worker that ignores SIGTERM too (as a server launched through a wrapper would). Once both handlers are in place the
// worker writes "<server pid> <worker pid>" to the file named by FAKE_MCP_PIDS.
const { spawn } = require('child_process');
process.on('SIGTERM', () => {});
process.stdin.resume();
spawn(
  process.execPath,
  ['-e', "const fs=require('fs');process.on('SIGTERM',()=>{});const f=process.env.FAKE_MCP_PIDS;fs.writeFileSync(f+'.tmp',process.ppid+' '+process.pid);fs.renameSync(f+'.tmp',f);setInterval(()=>{},1000)"],
  { stdio: 'ignore' },
);
setInterval(() => {}, 1000);
