/** poolifier worker: a ThreadWorker around the shared dispatch. */
import { ThreadWorker } from "poolifier";
import { dispatch } from "../pool-tasks.js";
export default new ThreadWorker(dispatch as (data?: unknown) => number);
