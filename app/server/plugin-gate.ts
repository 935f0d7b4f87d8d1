import type { NextFunction, Request, Response } from "express";
import type { Database } from "../../db/client.ts";
import type { PluginRegistry } from "../core/plugins/registry.server.ts";

export const disabledPluginPath = "/__plugin-disabled";

/**
 * A disabled plugin's pages and APIs answer 404 before any of its loaders or actions run: the
 * request is re-routed to a path no route matches, so Remix renders its translated 404.
 */
export function pluginGate(registry: PluginRegistry, db: Database) {
  return async (req: Request, _res: Response, next: NextFunction) => {
    try {
      const owner = registry.routeOwner(req.path);
      if (owner && !(await registry.isEnabled(db, owner))) {
        // the Remix adapter builds its Request from originalUrl
        req.url = disabledPluginPath;
        req.originalUrl = disabledPluginPath;
      }
      next();
    } catch (error) {
      next(error);
    }
  };
}
