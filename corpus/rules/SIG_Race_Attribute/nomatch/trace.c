/* a data race in trace(); brace for it; embrace grace; RACETRACK */
