// The installed plugins: one line each. The core reaches plugins only through this list.
import type { InstalledPlugin } from "../app/plugin-api/index.ts";
import hospitalAppointments from "./hospital-appointments/index.ts";
import hospitalReferrals from "./hospital-referrals/index.ts";
import retailPos from "./retail-pos/index.ts";
import retailLoyalty from "./retail-loyalty/index.ts";

export const installedPlugins: InstalledPlugin[] = [
  hospitalAppointments,
  hospitalReferrals,
  retailPos,
  retailLoyalty,
];
