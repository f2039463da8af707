-- The clock's steps, one function at a time (issue 21 item 4): clock_measurement_problem, clock_measurements, clock_split, clock_line,
-- clock_judge, clock_fit, clock_pieces, offset_at_us.
BEGIN;
SELECT plan(21);

-- clock_measurement_problem: the first malformed measurement, named with its index and value.
SELECT is(datalinker.clock_measurement_problem('[{"at": "2026-03-02T09:00:00Z", "offset_ms": 1}]'), NULL,
          'clock_measurement_problem: a well-formed measurement has no problem');
SELECT is(datalinker.clock_measurement_problem('[{"at": "2026-03-02T09:00:00", "offset_ms": 1}]'),
          'measurement 1: "at" "2026-03-02T09:00:00" has no time zone or is not an ISO timestamp',
          'clock_measurement_problem: a time without zone is named');
SELECT is(datalinker.clock_measurement_problem('[{"at": "2026-03-02T09:00:00Z", "offset_ms": 1}, 7]'),
          'measurement 2 is not an object: 7', 'clock_measurement_problem: the index counts from 1');
SELECT is(datalinker.clock_measurement_problem('[{"at": "2026-03-02T09:00:00Z", "offset_ms": "x"}]'),
          'measurement 1: "offset_ms" must be a JSON number, got "x"', 'clock_measurement_problem: a string offset');

-- clock_measurements: the measurements as arrays, or the first problem.
SELECT is((SELECT (m.at_us, m.offset_us, m.problem)::text FROM datalinker.clock_measurements(
              '[{"at": "1970-01-01T00:00:01Z", "offset_ms": 1.5}, {"at": "1970-01-01T01:00:02+01:00", "offset_ms": -2}]') m),
          '("{1000000,2000000}","{1500.0,-2000}",)', 'clock_measurements: µs since the epoch and µs offsets, zones honoured');
SELECT is((SELECT m.problem FROM datalinker.clock_measurements(
              '[{"at": "2026-03-02T09:00:00Z", "offset_ms": 1}, {"at": "2026-03-02T09:00:00Z", "offset_ms": 1}]') m),
          'measurement 2: "at" "2026-03-02T09:00:00Z" is not after measurement 1 ("2026-03-02T09:00:00Z")',
          'clock_measurements: times must increase');

-- clock_split: a new piece where the detrended offset jumps (a counter reset); one outlier is not a reset.
SELECT is(datalinker.clock_split(ARRAY[0, 6e7, 12e7], ARRAY[5, 6, 7]), ARRAY[1, 1, 1], 'clock_split: a steady clock is one piece');
SELECT is(datalinker.clock_split(ARRAY[0, 6e7, 12e7, 18e7], ARRAY[1, 2, 9e9, 9e9]), ARRAY[1, 1, 2, 2],
          'clock_split: a reset starts piece 2');
SELECT is(datalinker.clock_split(ARRAY[0, 6e7, 12e7, 18e7, 24e7], ARRAY[1, 2, 9e9, 3, 4]), ARRAY[1, 1, 1, 1, 1],
          'clock_split: an up-and-back pair is one outlier, not two resets');

-- clock_line: the Huber-robust line through the points.
SELECT is((datalinker.clock_line(ARRAY[0, 1e6, 2e6, 3e6], ARRAY[100, 110, 120, 130])).slope, 0.00001,
          'clock_line: the slope of exact points');
SELECT is((SELECT (l.mean_at_us, l.mean_offset_us, l.points)::text
           FROM datalinker.clock_line(ARRAY[0, 1e6, 2e6, 3e6], ARRAY[100, 110, 120, 130]) l),
          '(1500000.000000000000,115.000,4)', 'clock_line: through the weighted means');
SELECT is((SELECT (l.mean_offset_us, l.slope)::text
           FROM datalinker.clock_line(ARRAY[0, 1e6, 2e6, 3e6, 4e6], ARRAY[100, 110, 5000, 130, 140]) l),
          '(120.000,0.000010000000000)', 'clock_line: an outlier of 5 ms does not bend the line');
SELECT is(datalinker.clock_line('{}'::numeric[], '{}'::numeric[]), NULL::datalinker.clock_line,
          'clock_line: no points, no line');

-- clock_judge: a line that fits its points is usable; one far from them is refused with the reason.
SELECT is((SELECT j.problem FROM datalinker.clock_judge(ARRAY[0, 1e6, 2e6, 3e6], ARRAY[100, 110, 120, 130],
               ARRAY[1, 1, 1, 1], ARRAY[true, true, true, true],
               ARRAY[datalinker.clock_line(ARRAY[0, 1e6, 2e6, 3e6], ARRAY[100, 110, 120, 130])], NULL, NULL) j),
          NULL, 'clock_judge: a fitting line has no problem');
SELECT matches((SELECT j.problem FROM datalinker.clock_judge(ARRAY[0, 1e6, 2e6, 3e6], ARRAY[100, 110, 120, 130],
               ARRAY[1, 1, 1, 1], ARRAY[true, true, true, true],
               ARRAY[ROW(1500000, 1000115, 0.00001, 0, 4)::datalinker.clock_line], NULL, NULL) j),
          'piece 1', 'clock_judge: a line 1 s off its points is refused, naming the piece');

-- clock_fit: every piece with its line and its problem; it never raises.
SELECT is((SELECT (f.piece, f.mean_offset_us, f.points, f.problem)::text
           FROM datalinker.clock_fit('{"offset_ms_avg": -1712345678901.25}') f),
          '(1,-1712345678901250,0,)', 'clock_fit: offset_ms_avg is one constant piece');
SELECT is((SELECT (f.piece, f.points, f.rejected)::text FROM datalinker.clock_fit(
              '{"measurements": [{"at": "2026-03-02T09:00:00Z", "offset_ms": 1}, {"at": "2026-03-02T09:10:00Z", "offset_ms": 1.001},'
              ' {"at": "2026-03-02T09:20:00Z", "offset_ms": 1.002}]}') f),
          '(1,3,0)', 'clock_fit: three measurements, one piece, all fitted');
SELECT matches((SELECT f.problem FROM datalinker.clock_fit(
              '{"measurements": [{"at": "2026-03-02T09:00:00", "offset_ms": 1}]}') f WHERE f.piece IS NULL),
          'no time zone', 'clock_fit: malformed input comes back as a problem row, not an error');

-- clock_pieces: the usable pieces; strict raises DL006, lenient returns nothing.
SELECT is((SELECT count(*) FROM datalinker.clock_pieces('{"offset_ms_avg": -1712345678901.25}')), 1::bigint,
          'clock_pieces: one piece for offset_ms_avg');
SELECT throws_ok($$SELECT * FROM datalinker.clock_pieces('{"measurements": [{"at": "2026-03-02T09:00:00", "offset_ms": 1}]}')$$,
                 'DL006', NULL, 'clock_pieces: strict refuses bad measurements with DL006');

-- offset_at_us: the line at a time.
SELECT is(datalinker.offset_at_us(100, 1500000, 0.00001, 2500000), 110::bigint, 'offset_at_us: 1 s after the mean, 10 µs more');

SELECT * FROM finish();
ROLLBACK;
