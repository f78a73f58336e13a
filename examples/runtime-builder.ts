/**
 * The README's chapter 3 snippet: a configured runtime on the sim driver, compiled
 * and run by `npm test`.
 */
import { block, Runtime, type Co } from "async-lab";

function* work(): Co<void> {
  block(1_000); // the book's thread::sleep(1s) inside a future: one virtual second
}
function* urgent(): Co<void> {
  block(100);
}

const rt = new Runtime().withHighNum(2).withLowNum(1).withPolicy("priority-steal").withSeed(7).withTrace().sim();
rt.spawn(work()); // low, like the book's spawn_task!
rt.spawn(urgent(), { priority: "high" });
const report = rt.run(); // makespan, utilisation, steals, p50/p99 per queue
console.log(`makespan ${report.makespanMs} virtual ms`);
