-- Conversion contract (DESIGN §2): exact µs, wraparound, receipt-time wrap choice, rounding, errors.
BEGIN;
SELECT plan(9);

-- A device whose clock reads UTC + offset; its tick at a true time t is (epoch_us(t) + offset_us) mod 2^32.
CREATE TEMP TABLE c AS SELECT
    timestamptz '2026-03-02 09:00:00+00' AS s,
    -1712345678901.25::float8 AS off_ms,
    -1712345678901250::bigint AS off_us;

SELECT is(datalinker.device_to_utc(datalinker.wrap_us(datalinker.epoch_us(s + interval '10 min') + off_us), s, off_ms,
                                   s + interval '10 min 2 s'),
          s + interval '10 min', 'a live chunk converts to its true time') FROM c;
SELECT is(datalinker.device_to_utc(datalinker.wrap_us(datalinker.epoch_us(s + interval '150 min') + off_us), s, off_ms,
                                   s + interval '150 min 1 s'),
          s + interval '150 min', 'more than one counter period into the session: the receipt time picks the wrap') FROM c;
SELECT is(datalinker.device_to_utc(datalinker.wrap_us(datalinker.epoch_us(s + interval '150 min') + off_us), s, off_ms, NULL),
          s + interval '150 min' - 2 * interval '4294967296 microseconds', 'without receipt time: n = 0, two periods early (the seed''s rule)') FROM c;
SELECT is(datalinker.device_to_utc(datalinker.wrap_us(datalinker.epoch_us(s - interval '3 s') + off_us), s, off_ms,
                                   s + interval '1 s'),
          s - interval '3 s', 'pre-roll comes out before the session start') FROM c;
SELECT is(datalinker.wrap_us(-1), 4294967295::bigint, 'negative values wrap into [0, 2^32)');
SELECT is(datalinker.clock_offset_us('{"offset_ms_avg": 0.0005}'), 1::bigint, 'half a µs rounds away from zero');
SELECT is(datalinker.clock_offset_us('{"offset_ms_avg": -0.0005}'), -1::bigint, 'and so does minus half a µs');
SELECT throws_ok($$SELECT datalinker.device_to_utc(4294967296, now(), 0, NULL)$$, '22003',
                 'device tick 4294967296 is outside the 32-bit counter range [0, 4294967296)', 'ticks beyond 32 bits');
SELECT throws_ok($$SELECT datalinker.device_to_utc(1, now(), 'NaN', NULL)$$, '22023',
                 'clock offset NaN ms is not a finite number', 'NaN offset');

SELECT * FROM finish();
ROLLBACK;
