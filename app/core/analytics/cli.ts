// npm run analytics -- fit --transactions FILE.csv --calibration-end YYYY-MM-DD [--holdout-end YYYY-MM-DD] [--period week|day] --out DIR
import { main } from "./fit-command.server.ts";

process.exitCode = main(process.argv.slice(2));
