int destinationType; struct international_type t; int nationwide;
