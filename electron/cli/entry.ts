import { main } from './index';

const code = await main(process.argv.slice(2));
// serve keeps running on its own; everything else ends here.
if (!process.argv.slice(2).includes('serve')) process.exit(code);
else if (code !== 0) process.exit(code);
