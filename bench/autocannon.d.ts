// The slice of autocannon's API that bench/io.ts uses (the package ships no types).
declare module "autocannon" {
  interface Stats {
    average: number;
    stddev: number;
    total: number;
  }
  interface Result {
    requests: Stats;
    errors: number;
    timeouts: number;
    non2xx: number;
  }
  interface Options {
    url: string;
    connections?: number;
    duration?: number;
    pipelining?: number;
  }
  function autocannon(options: Options): Promise<Result>;
  export default autocannon;
}
