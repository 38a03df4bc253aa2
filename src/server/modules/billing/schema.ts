// Tables of the billing module.
export {};
