"""Time from exec to the first prompt of an interactive program under a pseudo-terminal.

    python3 pty_start.py RUNS PROMPT -- COMMAND...

Prints one line: the median, min and max in milliseconds over RUNS starts. Each start forks a
child on a fresh pty (a real terminal for the program: libedit, colours), reads until PROMPT
appears, then kills it.
"""
import os
import pty
import select
import signal
import statistics
import sys
import time


def start_to_prompt(command, prompt):
    begin = time.perf_counter()
    pid, fd = pty.fork()
    if pid == 0:
        os.environ["TERM"] = "xterm"
        os.execvp(command[0], command)
    seen = b""
    try:
        while prompt not in seen:
            ready, _, _ = select.select([fd], [], [], 10)
            if not ready:
                raise SystemExit(f"no prompt {prompt!r} after 10 s; saw {seen[-200:]!r}")
            seen += os.read(fd, 4096)
        return (time.perf_counter() - begin) * 1000
    finally:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        os.close(fd)


def main():
    runs, prompt = int(sys.argv[1]), sys.argv[2].encode()
    command = sys.argv[sys.argv.index("--") + 1:]
    start_to_prompt(command, prompt)  # warm the page cache
    times = [start_to_prompt(command, prompt) for _ in range(runs)]
    print(f"median {statistics.median(times):7.1f} ms   min {min(times):7.1f}   max {max(times):7.1f}")


main()
