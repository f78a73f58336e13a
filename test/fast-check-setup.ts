/**
 * One fast-check setting for every property test: values of "medium" size.
 *
 * fast-check's default ("small") caps a generated array at 10 items, whatever
 * `maxLength` a test asks for — so a model test written as "up to 60 random
 * register / poll / cancel / wake steps" ran at most 10 of them, too few for the
 * interleavings where waiters that give up meet the wakes that would skip them.
 * "medium" lets arrays reach 100 items (still within each test's `maxLength`).
 */
import fc from "fast-check";

fc.configureGlobal({ baseSize: "medium" });
