// Python's ThreadPoolExecutor example (fetch several URLs, at most 5 at a
// time, and print each page's size as it arrives), against a local HTTP
// server so that it runs anywhere. The calls are plain async functions and
// closures on this thread's event loop: Node's way to wait on many sockets.
import { createServer } from "node:http";
import { asCompleted, ThreadPoolExecutor } from "multiproc";

const server = createServer((request, response) => {
  const size = Number(new URL(request.url, "http://x").searchParams.get("size"));
  setTimeout(() => response.end("x".repeat(size)), 10);
});
await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
const base = `http://127.0.0.1:${server.address().port}`;
const urls = [1000, 2000, 5000, 100, 30000, 7, 123, 4096].map((size) => `${base}/page?size=${size}`);

let running = 0;
let most = 0;
async function loadUrl(url) {
  most = Math.max(most, ++running);
  try {
    const response = await fetch(url);
    return (await response.text()).length;
  } finally {
    running--;
  }
}

const executor = new ThreadPoolExecutor({ maxWorkers: 5 });
try {
  const futureToUrl = new Map(urls.map((url) => [executor.submit(loadUrl, url), url]));
  let total = 0;
  for await (const future of asCompleted([...futureToUrl.keys()])) {
    total += await future.result();
  }
  console.log(`${futureToUrl.size} pages, ${total} bytes; at most ${most} requests at once (maxWorkers 5)`);
  const sizes = [];
  for await (const size of executor.map(loadUrl, urls.slice(0, 3))) sizes.push(size);
  console.log(`map, in order: ${sizes.join(", ")}`);
} finally {
  await executor.shutdown();
  server.close();
}
