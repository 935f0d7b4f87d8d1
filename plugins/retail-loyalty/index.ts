import { installPlugin } from "../../app/plugin-api/index.ts";
import en from "./locales/en.json";
import id from "./locales/id.json";
import manifest from "./plugin.ts";

export default installPlugin({ manifest, server: () => import("./server.ts"), locales: { id, en } });
