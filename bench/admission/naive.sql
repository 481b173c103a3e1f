-- pgbench: the naive baseline, one row-counter UPDATE per message.
UPDATE naive_sms_counter SET sent = sent + 1 WHERE account_sid = 'AC00000000000000000000000000000001' AND sent < 2000000000;
