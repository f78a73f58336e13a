/** workerpool worker: registers the shared dispatch under one name. */
import workerpool from "workerpool";
import { dispatch } from "../pool-tasks.js";
workerpool.worker({ dispatch });
