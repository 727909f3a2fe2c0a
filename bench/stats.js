// stats.js: round bookkeeping and formatting shared by the bench sections.
"use strict";

/** Rounds per comparison: AMP_BENCH_REPEATS, or `--rounds N` on the command line; default 5. */
function roundsFromEnvironment(argv = process.argv) {
  const flag = argv.indexOf("--rounds");
  const text = flag >= 0 ? argv[flag + 1] : process.env.AMP_BENCH_REPEATS;
  if (text === undefined) return 5;
  const rounds = Number(text);
  if (!Number.isInteger(rounds) || rounds < 1 || rounds > 1000) {
    throw new Error(`rounds must be an integer in [1, 1000] (AMP_BENCH_REPEATS or --rounds), got ${JSON.stringify(text)}`);
  }
  return rounds;
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** The systems in round `round`'s order: rotated by one place per round. */
function rotated(systems, round) {
  const shift = round % systems.length;
  return [...systems.slice(shift), ...systems.slice(0, shift)];
}

/**
 * Runs `rounds` rounds; each round calls every system's `run()` once, order rotated, and keeps
 * its result (an object with `seconds` and `check`). Resolves with a Map name -> results.
 */
async function interleave(systems, rounds) {
  const results = new Map(systems.map((system) => [system.name, []]));
  for (let round = 0; round < rounds; round += 1) {
    for (const system of rotated(systems, round)) results.get(system.name).push(await system.run());
  }
  return results;
}

/** Seconds per frame of a native run (runs may differ in length), or seconds of a whole render. */
function cost(run) {
  return run.raw === undefined ? run.seconds : run.seconds / run.raw.frames;
}

/** "median (min–max)" of per-round ratios cost(ours[i]) / cost(peer[i]). */
function ratioText(ours, peer) {
  const ratios = ours.map((run, i) => cost(run) / cost(peer[i]));
  return `${fixed(median(ratios), 2)} (${fixed(Math.min(...ratios), 2)}–${fixed(Math.max(...ratios), 2)})`;
}

function medianSeconds(runs) {
  return median(runs.map((run) => run.seconds));
}

function fixed(number, digits) {
  return number.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

/** Scientific notation with two significant digits; "0" for exact zero. */
function sci(number) {
  if (number === null || number === undefined) return "n/a";
  if (!Number.isFinite(number)) return "non-finite";
  return number === 0 ? "0" : number.toExponential(1);
}

/** Worst check over runs: largest error and frequency error, amplitude range, all ok. */
function worstCheck(runs) {
  const checks = runs.map((run) => run.check);
  const amplitudes = checks.flatMap((c) => [c.amplitudeMin, c.amplitudeMax]).filter((a) => a !== null);
  const frequencyErrors = checks.map((c) => c.frequencyErrorHz).filter((e) => e !== null);
  return {
    ok: checks.every((c) => c.ok) && runs.every((run) => run.repeatIdentical !== false),
    maxError: Math.max(...checks.map((c) => (c.maxError === null ? Infinity : c.maxError))),
    nonfinite: Math.max(...checks.map((c) => c.nonfinite ?? 0)),
    peak: Math.max(...checks.map((c) => c.peak)),
    amplitude: amplitudes.length ? `${Math.min(...amplitudes).toPrecision(6)}–${Math.max(...amplitudes).toPrecision(6)}` : "n/a",
    frequencyErrorHz: frequencyErrors.length ? Math.max(...frequencyErrors) : null,
  };
}

/** Prints rows as a console table, or as a Markdown table with `--markdown` (for the docs). */
function printTable(rows) {
  if (!process.argv.includes("--markdown")) {
    console.table(rows);
    return;
  }
  const columns = Object.keys(rows[0] ?? {});
  const cell = (value) => String(value).replaceAll("|", "\\|");
  console.log(`\n| ${columns.map(cell).join(" | ")} |`);
  console.log(`| ${columns.map(() => "---").join(" | ")} |`);
  for (const row of rows) console.log(`| ${columns.map((c) => cell(row[c])).join(" | ")} |`);
  console.log("");
}

/** Prints the per-system output checks (worst over all rounds); returns false when one failed. */
function printChecks(title, entries) {
  const rows = entries.map(([system, runs]) => {
    const worst = worstCheck(runs);
    return {
      system,
      "non-finite": worst.nonfinite,
      "max |error|": sci(worst.maxError),
      peak: fixed(worst.peak, 4),
      "component amplitude": worst.amplitude,
      "max freq error (Hz)": sci(worst.frequencyErrorHz),
      check: worst.ok ? `ok (${runs.length} runs)` : "FAILED",
    };
  });
  console.log(title);
  printTable(rows);
  return rows.every((row) => row.check !== "FAILED");
}

module.exports = {
  printTable,
  roundsFromEnvironment,
  median,
  rotated,
  interleave,
  ratioText,
  medianSeconds,
  fixed,
  sci,
  worstCheck,
  printChecks,
};
