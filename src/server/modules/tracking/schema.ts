// Tables of the tracking module.
export {};
