/**
 * The tracking snippet served at GET /t.js (< 2 KB): on the vendor's site it reads the click id
 * (`opc`) from the landing URL, keeps it in a first-party cookie and localStorage (for the
 * attribution window, `data-days`, default 90), fills `<input name="opc">` fields and exposes
 * `window.openprm.clickId()` for the sign-up form.
 */
export const SNIPPET_JS = `/*! OpenPRM referral snippet */
(function(w,d){var K="opc",s=d.currentScript,days=+(s&&s.getAttribute("data-days"))||90,m=/[?&]opc=([A-Za-z0-9_]{4,64})/.exec(w.location.search),v=m&&m[1];
function read(){var x=null;try{x=w.localStorage.getItem(K)}catch(e){}if(!x){var c=/(?:^|;\\s*)opc=([A-Za-z0-9_]+)/.exec(d.cookie);x=c&&c[1]}return x||null}
if(v){try{w.localStorage.setItem(K,v)}catch(e){}d.cookie=K+"="+v+"; path=/; max-age="+days*86400+"; SameSite=Lax"+(w.location.protocol=="https:"?"; Secure":"")}
function fill(){var id=read();if(!id)return;var f=d.querySelectorAll('input[name="opc"]');for(var i=0;i<f.length;i++)if(!f[i].value)f[i].value=id}
w.openprm={clickId:read,fill:fill};
if(d.readyState=="loading")d.addEventListener("DOMContentLoaded",fill);else fill()})(window,document);
`;

export const SNIPPET_HEADERS: Record<string, string> = {
  'content-type': 'text/javascript; charset=utf-8',
  'cache-control': 'public, max-age=3600, stale-while-revalidate=86400',
  'x-content-type-options': 'nosniff',
  'access-control-allow-origin': '*',
  'cross-origin-resource-policy': 'cross-origin',
};
