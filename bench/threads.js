// threads.js: does `threads: 2` pay on this machine? Renders the same graphs with one and two
// threads, interleaved (one render of each per round, order alternating), and prints the median
// and the min-max of the per-round ratio time(2 threads) / time(1 thread): below 1 means two
// threads were faster. Usage: npm run build && node bench/threads.js [rounds]
"use strict";
const { render, Runtime } = require("../dist/index.js");
const { parallelSines } = require("./graphs.js");

const FRAMES = 480000; // 10 s at 48 kHz
const rounds = Number(process.argv[2] ?? 9);

async function timeRender(runtime) {
  runtime.reset();
  const started = process.hrtime.bigint();
  await runtime.render(FRAMES);
  return Number(process.hrtime.bigint() - started) / 1e6;
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

async function main() {
  console.log("graph            block  1 thread ms  2 threads ms  ratio 2/1 median [min, max]");
  for (const count of [2, 8, 32]) {
    for (const blockFrames of [256, 512, 4096]) {
      const g = parallelSines(count);
      const one = Runtime.create(g, { blockFrames, threads: 1 });
      const two = Runtime.create(g, { blockFrames, threads: 2 });
      await render(g, { frames: 4800, blockFrames }); // warm-up of the addon
      await timeRender(one);
      await timeRender(two);
      const ones = [];
      const twos = [];
      const ratios = [];
      for (let r = 0; r < rounds; r += 1) {
        const order = r % 2 === 0 ? [one, two] : [two, one];
        const times = new Map();
        for (const runtime of order) times.set(runtime, await timeRender(runtime));
        ones.push(times.get(one));
        twos.push(times.get(two));
        ratios.push(times.get(two) / times.get(one));
      }
      one.dispose();
      two.dispose();
      const name = `${count} sines + mix`.padEnd(16);
      console.log(
        `${name} ${String(blockFrames).padStart(5)}  ${median(ones).toFixed(1).padStart(11)}  ` +
          `${median(twos).toFixed(1).padStart(12)}  ${median(ratios).toFixed(2)} ` +
          `[${Math.min(...ratios).toFixed(2)}, ${Math.max(...ratios).toFixed(2)}]`,
      );
    }
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
