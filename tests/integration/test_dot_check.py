# SPDX-License-Identifier: ISC
"""The dot check (DNS over TLS, RFC 7858) against a real Unbound.

Unbound serves a local zone over TLS on 192.0.2.53@853,
[2001:db8::53]@853 and 203.0.113.53@853, in the same namespace as anycastd, with a server
certificate this test makes with the openssl CLI: a test CA signs it for
dns.example.test and both service addresses (iPAddress SANs), not for
203.0.113.53.  A second
CA, which signed nothing Unbound shows, stands for an untrusted one.
Each test polls `anycastctl --json` until the service reaches the state
the config promises.
"""

import signal
from pathlib import Path

import pytest

import lab
from daemon import Anycastd, ms
from lab import wait_until

UNBOUND = "/usr/sbin/unbound"
OPENSSL = "openssl"
NAME = "dns.example.test"
ADDRS = ("192.0.2.53", "2001:db8::53")
OUTSIDE = "203.0.113.53"        # Unbound listens there too: not a SAN
INTERVAL, TIMEOUT, RISE, FALL = 0.3, 0.25, 2, 2
START_TIMEOUT = 5.0
# Down is FALL failed probes: each ends within its timeout, the next comes
# an interval (fast-interval once in doubt) later; plus polling slack.
DOWN_BOUND = FALL * (INTERVAL + TIMEOUT) + 0.5


def openssl(*args):
    lab.run([OPENSSL, *map(str, args)])


def make_ca(d, name):
    key, pem = d / f"{name}.key", d / f"{name}.pem"
    openssl("req", "-x509", "-newkey", "ec", "-pkeyopt",
            "ec_paramgen_curve:P-256", "-nodes", "-keyout", key, "-out", pem,
            "-days", "2", "-subj", f"/CN=anycastd test {name}",
            "-addext", "basicConstraints=critical,CA:TRUE",
            "-addext", "keyUsage=critical,keyCertSign")
    return key, pem


def make_certs(d):
    """The test CA, the server's key and certificate, an unrelated CA."""
    d.mkdir()
    ca_key, ca_pem = make_ca(d, "ca")
    _, other_pem = make_ca(d, "other-ca")
    key, csr, pem = d / "server.key", d / "server.csr", d / "server.pem"
    openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
            "-nodes", "-keyout", key, "-out", csr, "-subj", f"/CN={NAME}")
    ext = d / "server.ext"
    ext.write_text(f"subjectAltName=DNS:{NAME},"
                   + ",".join(f"IP:{a}" for a in ADDRS)
                   + "\nextendedKeyUsage=serverAuth\n")
    openssl("x509", "-req", "-in", csr, "-CA", ca_pem, "-CAkey", ca_key,
            "-CAcreateserial", "-out", pem, "-days", "2", "-extfile", ext)
    for f in d.iterdir():       # anycastd reads the CA as its own user
        f.chmod(0o644)
    return {"ca": ca_pem, "other": other_pem, "key": key, "pem": pem}


class DotUnbound:
    """Unbound answering example.test from local data, over TLS only."""

    def __init__(self, lab_, ns, certs):
        self.ns = ns
        self.workdir = Path(lab_.workdir) / "unbound"
        self.workdir.mkdir()
        self.certs = certs
        ifaces = "".join(f"    interface: {a}@853\n"
                         for a in ADDRS + (OUTSIDE,))
        self.conf = self.workdir / "unbound.conf"
        self.conf.write_text(f"""\
server:
{ifaces}    tls-port: 853
    tls-service-key: "{certs['key']}"
    tls-service-pem: "{certs['pem']}"
    access-control: 0.0.0.0/0 allow
    access-control: ::/0 allow
    username: ""
    chroot: ""
    directory: "{self.workdir}"
    pidfile: "{self.workdir}/unbound.pid"
    use-syslog: no
    logfile: ""
    verbosity: 1
    num-threads: 1
    do-ip6: yes
    local-zone: "example.test." static
    local-data: "example.test. 300 IN SOA ns1.example.test. \
hostmaster.example.test. 1 3600 900 604800 300"
    local-data: "www.example.test. 300 IN A 192.0.2.80"
remote-control:
    control-enable: no
""")
        lab.run(["unbound-checkconf", self.conf])
        self.start()

    def start(self):
        self.proc = self.ns.spawn("unbound", [UNBOUND, "-d", "-c", self.conf])
        for a in ADDRS + (OUTSIDE,):
            lab.wait_until(lambda a=a: self._listening(a), 20,
                           f"unbound listening on {a}@853", interval=0.05)

    def _listening(self, addr):
        if not self.proc.alive():
            raise AssertionError(f"unbound exited: {self.proc.log()}")
        res = self.ns.run(["ss", "-Hltn", f"src {addr}:853"], check=False)
        return ":853" in res.stdout

    def kill(self):
        self.proc.kill()


@pytest.fixture
def certs(lab):
    return make_certs(Path(lab.workdir) / "pki")


@pytest.fixture
def unbound(lab, host_ns, certs):
    host_ns.add_addr(f"{OUTSIDE}/32")
    return DotUnbound(lab, host_ns, certs)


def dot_service(certs, prefix="192.0.2.53/32", ca="ca", extra="",
                query="example.test SOA"):
    return f"""
        service dot {{
            prefix {prefix};
            drain time 100ms;
            check dot {{
                query {query};
                ca-file "{certs[ca]}";
                interval {ms(INTERVAL)}; timeout {ms(TIMEOUT)};
                rise {RISE}; fall {FALL};
                {extra}
            }}
        }}
        """


def last(acd):
    return acd.check("dot", "dot")["last"]


@pytest.mark.parametrize("prefix", ["192.0.2.53/32", "2001:db8::53/128"])
@pytest.mark.parametrize("by", ["tls-name", "address"])
def test_verified_answer_is_up(lab, host_ns, binaries, certs, unbound,
                               figure, prefix, by):
    """The certificate matches tls-name, or without one the address."""
    extra = f'tls-name "{NAME}";' if by == "tls-name" else ""
    acd = Anycastd(lab, host_ns, dot_service(
        certs, prefix, query="www.example.test A",
        extra=extra + ' expect answer contains "192.0.2.80";'))
    _, took = acd.wait_state("dot", "up", START_TIMEOUT)
    figure(f"start to up ({by}, {prefix})", took)
    chk = acd.check("dot", "dot")
    assert chk["type"] == "dot" and chk["last"]["status"] == "ok", chk
    assert f"{prefix.split('/')[0]} port 853" in chk["target"], chk
    if by == "tls-name":
        assert chk["target"].endswith(f"tls-name {NAME}"), chk
    assert chk["failures"] == 0 and chk["rtt_ms"]["max"] > 0, chk
    figure(f"probe: connect, handshake, answer ({by}, {prefix}), avg",
           chk["rtt_ms"]["avg"] / 1000)


def test_wrong_tls_name_is_down_with_a_verify_reason(lab, host_ns, binaries,
                                                     certs, unbound):
    acd = Anycastd(lab, host_ns, dot_service(
        certs, extra='tls-name "other.example.test";'))
    acd.wait_state("dot", "down", START_TIMEOUT)
    res = last(acd)
    assert res["reason"] == "tls", res
    assert res["detail"] == ("TLS: certificate verify failed: hostname "
                             "mismatch"), res


def test_address_not_in_certificate_is_down(lab, host_ns, binaries, certs,
                                            unbound):
    """Without tls-name the server's address must be a SAN of the
    certificate: 203.0.113.53 is not, though all else is good."""
    acd = Anycastd(lab, host_ns, dot_service(
        certs, extra=f"server {OUTSIDE};"))
    acd.wait_state("dot", "down", START_TIMEOUT)
    res = last(acd)
    assert res["reason"] == "tls", res
    assert res["detail"] == ("TLS: certificate verify failed: IP address "
                             "mismatch"), res


def test_untrusted_ca_is_down(lab, host_ns, binaries, certs, unbound):
    acd = Anycastd(lab, host_ns, dot_service(
        certs, ca="other", extra=f'tls-name "{NAME}";'))
    acd.wait_state("dot", "down", START_TIMEOUT)
    res = last(acd)
    assert res["reason"] == "tls", res
    assert res["detail"].startswith("TLS: certificate verify failed: "
                                    "unable to get local issuer"), res


def test_server_stopped_is_down_then_up_on_restart(lab, host_ns, binaries,
                                                   certs, unbound, figure):
    acd = Anycastd(lab, host_ns, dot_service(
        certs, extra=f'tls-name "{NAME}";'))
    acd.wait_state("dot", "up", START_TIMEOUT)
    unbound.kill()
    _, took = acd.wait_state("dot", "down", DOWN_BOUND + 5)
    figure("Unbound SIGKILL to down", took, DOWN_BOUND)
    assert took <= DOWN_BOUND, f"down after {took:.3f}s"
    assert last(acd)["reason"] == "refused", last(acd)
    unbound.start()
    _, took = acd.wait_state("dot", "up", 10)
    figure("Unbound restart to up", took)


@pytest.mark.parametrize("query,expect,reason", [
    ("nothere.example.test A", "expect rcode noerror;", "rcode"),
    ("www.example.test A", 'expect answer contains "192.0.2.81";',
     "answer-missing"),
])
def test_answer_judged_as_the_dns_check_does(lab, host_ns, binaries, certs,
                                             unbound, query, expect, reason):
    """A good TLS session with a wrong answer is down for the answer."""
    acd = Anycastd(lab, host_ns, dot_service(
        certs, query=query, extra=f'tls-name "{NAME}"; {expect}'))
    acd.wait_state("dot", "down", START_TIMEOUT)
    assert last(acd)["reason"] == reason, last(acd)


def test_expected_rcode_and_answer_are_up(lab, host_ns, binaries, certs,
                                          unbound):
    acd = Anycastd(lab, host_ns, dot_service(
        certs, query="nothere.example.test A",
        extra=f'tls-name "{NAME}"; expect rcode nxdomain;'))
    acd.wait_state("dot", "up", START_TIMEOUT)


def open_fds(acd):
    return len(list(Path(f"/proc/{acd.proc.pid}/fd").iterdir()))


def test_frozen_server_times_out_in_the_handshake(lab, host_ns, binaries,
                                                  certs, unbound):
    """SIGSTOP: the kernel still accepts the connection, nobody answers
    the ClientHello; each probe ends at its timeout and leaves no socket
    behind."""
    acd = Anycastd(lab, host_ns, dot_service(
        certs, extra=f'tls-name "{NAME}";'))
    acd.wait_state("dot", "up", START_TIMEOUT)
    before = open_fds(acd)
    unbound.proc.signal_group(signal.SIGSTOP)
    acd.wait_state("dot", "down", DOWN_BOUND + 5)
    res = last(acd)
    assert res["reason"] == "timeout", res
    assert res["detail"] == f"TLS handshake: timeout after {ms(TIMEOUT)}", res
    wait_until(lambda: acd.check("dot", "dot")["failures"] >= 8, 10,
               "eight timed-out probes")
    # One probe may be in flight at either count.
    assert open_fds(acd) <= before + 1, (before, open_fds(acd))
    unbound.proc.signal_group(signal.SIGCONT)
    acd.wait_state("dot", "up", 10)


def test_reload_reads_the_ca_file_again(lab, host_ns, binaries, certs,
                                        unbound):
    """The check is kept across the reload (same config), its CA file is
    read anew: replaced by an unrelated CA, the server no longer
    verifies."""
    acd = Anycastd(lab, host_ns, dot_service(
        certs, extra=f'tls-name "{NAME}";'))
    acd.wait_state("dot", "up", START_TIMEOUT)
    certs["ca"].write_bytes(certs["other"].read_bytes())
    acd.signal(signal.SIGHUP)
    acd.wait_state("dot", "down", DOWN_BOUND + 5)
    assert last(acd)["reason"] == "tls", last(acd)
    assert "kept across reload" in acd.log()


@pytest.mark.parametrize("trusted", [False, True])
def test_system_store_without_ca_file(lab, host_ns, binaries, certs, unbound,
                                      monkeypatch, trusted):
    """Without ca-file the CAs are OpenSSL's directory: the host's, which
    does not hold the test CA, or SSL_CERT_DIR's, made to hold it."""
    if trusted:
        hashed = Path(lab.workdir) / "certdir"
        hashed.mkdir()
        (hashed / "ca.pem").write_bytes(certs["ca"].read_bytes())
        openssl("rehash", hashed)
        hashed.chmod(0o755)
        monkeypatch.setenv("SSL_CERT_DIR", str(hashed))
    else:
        monkeypatch.delenv("SSL_CERT_DIR", raising=False)
    config = dot_service(certs, extra=f'tls-name "{NAME}";').replace(
        f'ca-file "{certs["ca"]}";', "")
    acd = Anycastd(lab, host_ns, config)
    acd.wait_state("dot", "up" if trusted else "down", START_TIMEOUT)
    if not trusted:
        assert last(acd)["detail"].startswith(
            "TLS: certificate verify failed: unable to get local issuer"), \
            last(acd)


@pytest.mark.parametrize("setting,reason", [
    ("degraded latency 1ms;", "latency"),
    ("degraded latency p95 1ms window 2;", "latency-p95"),
])
def test_slow_answer_is_degraded(lab, host_ns, binaries, certs, unbound,
                                 setting, reason):
    """No connection, handshake and answer takes under 1 ms: degraded,
    for one answer's latency or the p95 of the check's window."""
    acd = Anycastd(lab, host_ns, dot_service(
        certs, extra=f'tls-name "{NAME}"; {setting}'))
    acd.wait_state("dot", "degraded", START_TIMEOUT)
    assert last(acd)["reason"] == reason, last(acd)
