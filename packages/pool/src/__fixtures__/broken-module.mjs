// A task module that throws on import.
throw new Error("this module is broken");
export const never = () => 0;
