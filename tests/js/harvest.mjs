// jsonld.js with its stock node document loader, as a harvester would use it: for each
// URL given, expand, compact (with the context the document names), flatten and convert
// to N-Quads, fetching everything (the document, its 303, its context) over HTTP.
// Prints one JSON object per URL: {url, expanded, compacted, flattened, nquads} or {url, error}.
import jsonld from 'jsonld';

const documentLoader = jsonld.documentLoaders.node();
const [contextUrl, ...urls] = process.argv.slice(2);

for (const url of urls) {
  try {
    const expanded = await jsonld.expand(url, {documentLoader});
    const compacted = await jsonld.compact(url, contextUrl, {documentLoader});
    const flattened = await jsonld.flatten(url, contextUrl, {documentLoader});
    const nquads = await jsonld.toRDF(url, {format: 'application/n-quads', documentLoader});
    console.log(JSON.stringify({
      url,
      expanded: expanded.length,
      compacted: compacted['@context'] === contextUrl,
      flattened: Array.isArray(flattened['@graph']) ? flattened['@graph'].length : 1,
      nquads,
    }));
  } catch (error) {
    console.log(JSON.stringify({url, error: `${error.name}: ${error.message}`, details: error.details && JSON.stringify(error.details).slice(0, 500)}));
    process.exitCode = 1;
  }
}
