// Tables of the payouts module.
export {};
