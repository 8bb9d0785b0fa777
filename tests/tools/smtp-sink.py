#!/usr/bin/python3
"""A real SMTP server for tests (Debian's python3-aiosmtpd), on loopback.
Every message accepted is appended to LOG as one JSON line (envelope,
Message-ID, the raw message) before the 250 reply. --delay slows each
RCPT (where real MTAs spend their time: lookups, greylisting), so a
client killed meanwhile leaves no message behind. With --cert/--key it offers STARTTLS and requires AUTH
PLAIN/LOGIN as USER:PASSWORD after it.
usage: smtp-sink.py PORT LOG [--delay MS] [--cert F --key F --auth U:P]"""
import argparse, asyncio, base64, email, json, ssl, sys, time
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

ap = argparse.ArgumentParser()
ap.add_argument("port", type=int)
ap.add_argument("log")
ap.add_argument("--delay", type=int, default=0)
ap.add_argument("--cert")
ap.add_argument("--key")
ap.add_argument("--auth")
a = ap.parse_args()


class Sink:
    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if a.delay:
            await asyncio.sleep(a.delay / 1000)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        msg = email.message_from_bytes(envelope.content)
        with open(a.log, "a") as f:
            f.write(json.dumps({
                "from": envelope.mail_from, "to": envelope.rcpt_tos,
                "message_id": msg["Message-ID"], "tls": session.ssl is not None,
                "auth": bool(session.authenticated), "at": time.time(),
                "raw": base64.b64encode(envelope.content).decode()}) + "\n")
            f.flush()
        return "250 OK"


def check(server, session, envelope, mechanism, data):
    user, pw = a.auth.split(":", 1)
    ok = isinstance(data, LoginPassword) and data.login.decode() == user \
        and data.password.decode() == pw
    return AuthResult(success=ok)


kw = {}
if a.cert:
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(a.cert, a.key)
    kw = dict(tls_context=ctx, require_starttls=True, authenticator=check,
              auth_required=True, auth_require_tls=True)
c = Controller(Sink(), hostname="127.0.0.1", port=a.port, **kw)
c.start()
print("ready", flush=True)
try:
    while True:
        time.sleep(3600)
except KeyboardInterrupt:
    pass
finally:
    c.stop()
