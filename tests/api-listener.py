#!/usr/bin/env python3
"""Attacks on the listener of a running `kepagent run`, measured.

  api-listener.py flood PORT PID TOKEN   400 unauthenticated sockets, each
      declaring and sending a 1 MiB body; prints the daemon's RSS before, its
      peak (VmHWM) after, and whether real requests answered meanwhile.
  api-listener.py idle PORT TOKEN        2,000 idle sockets from 40 loopback
      addresses; a real request from 127.0.0.1 must still answer; prints how
      many idle sockets the server kept and how fast it answered.
  api-listener.py halfclose PORT TOKEN   8 sockets of each kind below, a
      source address per kind, while a real request is made every 0.5 s:
      silent (connects, sends nothing), shut (half-closes at once with
      shutdown(SHUT_WR)), partial (half a request, then half-closes),
      answered (a whole request, then half-closes), kept (a whole request
      kept alive, then silent); prints per kind when the server closed each
      (seconds after the last was set up), what each read before the close,
      and the real requests' statuses and slowest answer.

Attackers use source addresses 127.0.0.2 and up (all of 127/8 is loopback),
so the per-address limit is what is tested; the real client is 127.0.0.1."""
import json, resource, select, socket, sys, time, urllib.request

def rss_kb(pid, key):
    for line in open("/proc/%s/status" % pid):
        if line.startswith(key + ":"):
            return int(line.split()[1])
    raise SystemExit("no %s for %s" % (key, pid))

def real_request(port, token, timeout=10.0):
    t0 = time.monotonic()
    req = urllib.request.Request("http://127.0.0.1:%s/v1/accounts" % port,
                                 headers={"Authorization": "Bearer " + token})
    with urllib.request.urlopen(req, timeout=timeout) as r:
        json.load(r)
        return r.status, time.monotonic() - t0

def attacker(i, port, n_addr):
    s = socket.socket()
    s.setblocking(True)
    s.settimeout(5)
    s.bind(("127.0.0.%d" % (2 + i % n_addr), 0))
    s.connect(("127.0.0.1", port))
    return s

def raise_nofile():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, 65536), hard))

def flood(port, pid, token):
    raise_nofile()
    before = rss_kb(pid, "VmRSS")
    socks, answered, refused = [], 0, 0
    body = b"x" * 65536
    for i in range(400):
        try:
            s = attacker(i, port, 20)
            s.sendall(b"POST /v1/queue/claim HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer wrong\r\n"
                      b"Content-Type: application/json\r\nContent-Length: 1048576\r\n\r\n")
            socks.append(s)
        except OSError:
            refused += 1
    # Push the bodies as far as the server lets them go.
    pushed = 0
    deadline = time.monotonic() + 20
    live = list(socks)
    sent = {s: 0 for s in live}
    for s in live:
        s.setblocking(False)
    while live and time.monotonic() < deadline:
        _, w, _ = select.select([], live, [], 0.5)
        for s in w:
            try:
                n = s.send(body[: min(len(body), 1048576 - sent[s])])
                sent[s] += n
                pushed += n
                if sent[s] >= 1048576:
                    live.remove(s)
            except OSError:
                live.remove(s)
        if not w:
            break
    codes = {}
    for s in socks:
        s.setblocking(True)
        s.settimeout(2)
        try:
            head = s.recv(200).split(b"\r\n", 1)[0]
            code = head.split()[1].decode() if head else "closed"
        except (OSError, IndexError):
            code = "closed"
        codes[code] = codes.get(code, 0) + 1
    st, dt = real_request(port, token)
    peak = rss_kb(pid, "VmHWM")
    for s in socks:
        s.close()
    print(json.dumps({"rss_before_kb": before, "peak_kb": peak, "codes": codes,
                      "pushed_bytes": pushed, "refused": refused, "real": st, "real_s": dt}))

def idle(port, token):
    raise_nofile()
    socks, refused = [], 0
    for i in range(2000):
        try:
            s = attacker(i, port, 40)
            s.send(b"GET /v1/accounts HTTP/1.1\r\nHost: x\r\n")   # never finished
            socks.append(s)
        except OSError:
            refused += 1
    time.sleep(0.5)
    st, dt = real_request(port, token)
    # Sockets the server closed (over the per-address limit) read as EOF.
    kept = 0
    for s in socks:
        s.setblocking(False)
        try:
            kept += s.recv(1) == b"" and 0 or 0
        except BlockingIOError:
            kept += 1
        except OSError:
            pass
    t0 = time.monotonic()
    # The idle timeout closes the rest.
    while time.monotonic() - t0 < 20:
        open_ = 0
        for s in socks:
            try:
                if s.recv(1) != b"":
                    pass
            except BlockingIOError:
                open_ += 1
            except OSError:
                pass
        if open_ == 0:
            break
        time.sleep(0.5)
    closed_after = time.monotonic() - t0
    st2, dt2 = real_request(port, token)
    for s in socks:
        s.close()
    print(json.dumps({"kept": kept, "refused": refused, "real": st, "real_s": dt,
                      "all_closed_after_s": closed_after, "still_open": open_,
                      "real_after": st2}))

HALF_KINDS = ("silent", "shut", "partial", "answered", "kept")

def halfclose(port, token):
    import threading
    req = ("GET /v1/accounts HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n\r\n"
           % token).encode()
    socks = []
    for k, kind in enumerate(HALF_KINDS):
        for _ in range(8):
            s = socket.socket()
            s.bind(("127.0.0.%d" % (60 + k), 0))
            s.settimeout(5)
            s.connect(("127.0.0.1", port))
            if kind == "partial":
                s.sendall(req[:len(req) // 2])
            elif kind in ("answered", "kept"):
                s.sendall(req)
            if kind in ("shut", "partial", "answered"):
                s.shutdown(socket.SHUT_WR)
            s.setblocking(False)
            socks.append({"kind": kind, "sock": s, "read": b"", "closed_s": None})
    t0 = time.monotonic()
    real, stop = [], threading.Event()

    def real_loop():
        while not stop.is_set():
            try:
                real.append(real_request(port, token))
            except OSError as e:
                real.append((str(e), 10.0))
            stop.wait(0.5)
    th = threading.Thread(target=real_loop)
    th.start()
    while time.monotonic() - t0 < 35 and any(c["closed_s"] is None for c in socks):
        live = [c for c in socks if c["closed_s"] is None]
        r, _, _ = select.select([c["sock"] for c in live], [], [], 0.1)
        for c in live:
            if c["sock"] not in r:
                continue
            try:
                data = c["sock"].recv(65536)
            except BlockingIOError:
                continue
            except OSError:
                data = b""    # reset: closed as well
            if data:
                c["read"] += data
            else:
                c["closed_s"] = round(time.monotonic() - t0, 2)
    stop.set()
    th.join()
    out = {"real_codes": sorted({str(st) for st, _ in real}), "real_n": len(real),
           "real_max_s": round(max(dt for _, dt in real), 2) if real else None}
    for kind in HALF_KINDS:
        cs = [c for c in socks if c["kind"] == kind]
        times = [c["closed_s"] for c in cs if c["closed_s"] is not None]
        out[kind] = {"open": len(cs) - len(times),
                     "closed_min_s": min(times) if times else None,
                     "closed_max_s": max(times) if times else None,
                     "answers": sorted({c["read"].split(b"\r\n", 1)[0].decode("latin1")
                                        for c in cs})}
    for c in socks:
        c["sock"].close()
    print(json.dumps(out))

if sys.argv[1] == "flood":
    flood(int(sys.argv[2]), sys.argv[3], sys.argv[4])
elif sys.argv[1] == "halfclose":
    halfclose(int(sys.argv[2]), sys.argv[3])
else:
    idle(int(sys.argv[2]), sys.argv[3])
