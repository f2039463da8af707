-- datalinker.clock_model: the session's clock line offset(t) = mean_offset_us + slope·(t − mean_at_us) (µs, device − UTC) from clock_offset_info; zero rows when it has no usable offset.
-- ≥ 2 "measurements" [{"at", "offset_ms"}]: least-squares line (exact numeric). 1 measurement or only
-- offset_ms_avg: slope 0 and today's constant offset, bit for bit. Malformed measurements raise DL006
-- when p_strict (a session's own clock), else count as unusable (a neighbour's clock).
CREATE OR REPLACE FUNCTION datalinker.clock_model(p_clock_offset_info jsonb, p_strict boolean DEFAULT true)
RETURNS TABLE (mean_offset_us numeric, mean_at_us numeric, slope numeric)
LANGUAGE plpgsql STABLE
ROWS 1  -- at most one line; the default estimate of 1000 inflated the linker's plan cost into JIT territory
SET search_path = ''
AS $$
DECLARE
    v_points    jsonb := p_clock_offset_info -> 'measurements';
    v_at        numeric[];
    v_off       numeric[];
    v_problem   text;
    v_tolerance numeric := coalesce(nullif(current_setting('datalinker.drift_tolerance_ms', true), '')::numeric, 20) * 1000;
    v_ax        numeric;
    v_ay        numeric;
    v_b         numeric;
    v_worst     record;
BEGIN
    IF jsonb_typeof(v_points) IS DISTINCT FROM 'array' OR jsonb_array_length(v_points) < 2 THEN
        IF jsonb_typeof(v_points) = 'array' AND jsonb_array_length(v_points) = 1
           AND jsonb_typeof(v_points -> 0 -> 'offset_ms') = 'number'
           AND datalinker.clock_offset_us(p_clock_offset_info) IS NULL THEN
            RETURN QUERY SELECT round((v_points -> 0 ->> 'offset_ms')::numeric * 1000), 0::numeric, 0::numeric;
        ELSIF datalinker.clock_offset_us(p_clock_offset_info) IS NOT NULL THEN
            RETURN QUERY SELECT datalinker.clock_offset_us(p_clock_offset_info)::numeric, 0::numeric, 0::numeric;
        END IF;
        RETURN;
    END IF;

    BEGIN
        SELECT array_agg(datalinker.epoch_us((e.p ->> 'at')::timestamptz)::numeric ORDER BY e.ord),
               array_agg(CASE WHEN jsonb_typeof(e.p -> 'offset_ms') = 'number'
                              THEN (e.p ->> 'offset_ms')::numeric * 1000 END ORDER BY e.ord)
          INTO v_at, v_off
          FROM jsonb_array_elements(v_points) WITH ORDINALITY AS e(p, ord);
    EXCEPTION WHEN data_exception THEN
        v_problem := 'every measurement needs "at" as a UTC timestamp';
    END;
    IF v_problem IS NULL THEN
        SELECT CASE
                   WHEN bool_or(a IS NULL) THEN 'every measurement needs "at" as a UTC timestamp'
                   WHEN bool_or(o IS NULL) THEN 'every measurement needs a numeric "offset_ms"'
                   WHEN bool_or(a <= prev) THEN 'measurement times ("at") must strictly increase'
               END
          INTO v_problem
          FROM (SELECT a, o, lag(a) OVER (ORDER BY n) AS prev
                  FROM unnest(v_at, v_off) WITH ORDINALITY AS u(a, o, n)) x;
    END IF;
    IF v_problem IS NULL THEN
        SELECT avg(a), avg(o) INTO v_ax, v_ay FROM unnest(v_at, v_off) AS u(a, o);
        SELECT sum((a - v_ax) * (o - v_ay)) / sum((a - v_ax) ^ 2) INTO v_b FROM unnest(v_at, v_off) AS u(a, o);
        SELECT n, round(abs(o - (v_ay + v_b * (a - v_ax))) / 1000, 3) AS off_ms INTO v_worst
          FROM unnest(v_at, v_off) WITH ORDINALITY AS u(a, o, n)
         ORDER BY abs(o - (v_ay + v_b * (a - v_ax))) DESC LIMIT 1;
        IF abs(v_b) > 0.001 THEN
            v_problem := format('the fitted drift is %s ppm; no crystal drifts more than 1000 ppm', round(v_b * 1e6, 1));
        ELSIF v_worst.off_ms * 1000 > v_tolerance THEN
            v_problem := format('measurement %s is %s ms off the fitted line (drift %s ppm); tolerance %s ms (datalinker.drift_tolerance_ms)',
                                v_worst.n, v_worst.off_ms, round(v_b * 1e6, 1), trim_scale(v_tolerance / 1000));
        ELSE
            RETURN QUERY SELECT v_ay, v_ax, v_b;
            RETURN;
        END IF;
    END IF;
    IF p_strict THEN
        RAISE EXCEPTION 'clock_offset_info.measurements unusable: %', v_problem USING ERRCODE = 'DL006';
    END IF;
END;
$$;

COMMENT ON FUNCTION datalinker.clock_model(jsonb, boolean) IS
    'clock_model(p_clock_offset_info jsonb, p_strict bool DEFAULT true) -> TABLE(mean_offset_us, mean_at_us, slope): the clock line used to convert ticks; zero rows when there is no usable offset. Raises DL006 (strict) for measurements that do not strictly increase in "at", lack numbers, fit a drift over 1000 ppm, or leave a point more than datalinker.drift_tolerance_ms (default 20) off the line.';
