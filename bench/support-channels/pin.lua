-- wrk: one signed /voice/pin webhook per request (the right PIN: the call rings a TAM).
-- BODY and SIGNATURE come from the environment (voice.sh computes them).
wrk.method = "POST"
wrk.path = "/voice/pin?attempt=1"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["X-Twilio-Signature"] = os.getenv("SIGNATURE")
wrk.body = os.getenv("BODY")
