// Grade pages of a running site with Mozilla's HTTP Observatory tests and scoring.
//
//   NODE_EXTRA_CA_CERTS=cert.pem node grade.mjs < targets.json > results.json
//
// targets.json: [{"name": "...", "url": "https://127.0.0.1:PORT/path", "cookie": "a=b" (optional)}]
//
// scan() from the package grades only 2xx/3xx/401/403 answers and sends no cookie. To grade error
// pages and signed-in pages too, grade() runs the package's own retriever, tests and grader exactly as
// scan() does, minus the status gate, with an optional Cookie header. For targets without a cookie
// the official scan() result is attached as well ("official"), so the tests can prove the two agree.
import { scan } from "@mdn/mdn-http-observatory";
import { retrieve } from "@mdn/mdn-http-observatory/src/retriever/retriever.js";
import { ALL_TESTS, NUM_TESTS } from "@mdn/mdn-http-observatory/src/constants.js";
import { MINIMUM_SCORE_FOR_EXTRA_CREDIT } from "@mdn/mdn-http-observatory/src/grader/charts.js";
import { getGradeForScore, getScoreModifier } from "@mdn/mdn-http-observatory/src/grader/grader.js";

const ACCEPT = "Accept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";

function summarise(tests) {
  return Object.fromEntries(
    Object.entries(tests).map(([name, t]) => [name, { pass: t.pass, scoreModifier: t.scoreModifier, result: t.result }])
  );
}

async function grade(hostAndPath, cookie) {
  const headers = cookie ? [ACCEPT, `Cookie: ${cookie}`] : [ACCEPT];
  const r = await retrieve(hostAndPath, { headers });
  if (!r.responses.auto) throw new Error("The site seems to be down.");
  const tests = {};
  let withExtraCredit = 100;
  let uncurved = 100;
  let passed = 0;
  for (const test of ALL_TESTS) {
    const result = test(r);
    if (result.result) {
      result.scoreModifier = getScoreModifier(result.result);
      passed += result.pass ? 1 : 0;
      withExtraCredit += result.scoreModifier;
      if (result.scoreModifier < 0) uncurved += result.scoreModifier;
    }
    tests[result.constructor.name] = result;
  }
  const final = getGradeForScore(uncurved >= MINIMUM_SCORE_FOR_EXTRA_CREDIT ? withExtraCredit : uncurved);
  const history = r.session.redirectHistory;
  return {
    status: r.responses.auto.status,
    finalUrl: history.length ? history[history.length - 1].url.href : r.session.url.href,
    grade: final.grade,
    score: final.score,
    testsPassed: passed,
    testsQuantity: NUM_TESTS,
    tests: summarise(tests),
  };
}

async function official(hostAndPath) {
  try {
    const r = await scan(hostAndPath);
    return { grade: r.scan.grade, score: r.scan.score, tests: summarise(r.tests) };
  } catch (error) {
    return { error: error.message };
  }
}

async function gradeTarget({ name, url, cookie }) {
  const u = new URL(url);
  const hostAndPath = u.host + u.pathname + u.search;
  try {
    const result = { name, url, ...(await grade(hostAndPath, cookie)) };
    if (!cookie) result.official = await official(hostAndPath);
    return result;
  } catch (error) {
    return { name, url, error: error.message };
  }
}

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const targets = JSON.parse(Buffer.concat(chunks).toString("utf8"));
const results = [];
for (let i = 0; i < targets.length; i += 4) {
  results.push(...(await Promise.all(targets.slice(i, i + 4).map(gradeTarget))));
}
console.log(JSON.stringify(results, null, 2));
