import { createContext, useContext } from "react";

const NonceContext = createContext<string>("");
export const NonceProvider = NonceContext.Provider;
/** The CSP nonce of this response, for inline scripts Remix renders. */
export const useNonce = () => useContext(NonceContext);

const LanguageContext = createContext<string | null>(null);
export const RequestLanguageProvider = LanguageContext.Provider;
/** The language this response is rendered in, known even on pages where no loader ran (404). */
export const useRequestLanguage = () => useContext(LanguageContext);
