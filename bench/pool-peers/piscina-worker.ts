/** piscina / tinypool worker: the default export runs one task. */
import { dispatch } from "../pool-tasks.js";
export default dispatch;
